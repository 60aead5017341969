//! The CLI and the log queries (`Logs` in `lib/logs.js`).

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Runs the `tooltrail` CLI with `args`; returns the exit code (npm bin).
#[napi(js_name = "_cliMain")]
pub fn cli_main(args: Vec<String>) -> i32 {
    tooltrail_core::cli::run(&args, &mut std::io::stdin(), &mut std::io::stdout())
}

/// The CLI's `--json` value for a query (`runs`, `show`, `stats`, `loops`,
/// `alerts`); `Logs` in index.js builds the arguments.
#[napi(js_name = "_query", ts_return_type = "unknown")]
pub fn query<'e>(env: &'e Env, args: Vec<String>) -> Result<Unknown<'e>> {
    let e = env.raw();
    let value = tooltrail_core::cli::query(&args)
        .map_err(|message| unsafe { crate::errors::query_err(e, &message) })?;
    unsafe {
        let raw = crate::convert::to_js(e, &value).map_err(|f| crate::errors::fail_err(e, f))?;
        Ok(Unknown::from_raw_unchecked(e, raw))
    }
}

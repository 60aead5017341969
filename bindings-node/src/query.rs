//! The CLI and the log queries (`Logs` in `lib/logs.js`).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::errors::ResultExt;

/// Runs the `tooltrail` CLI with `args`; returns the exit code (npm bin).
#[napi(js_name = "_cliMain")]
pub fn cli_main(args: Vec<String>) -> i32 {
    tooltrail_core::cli::run(&args, &mut std::io::stdin(), &mut std::io::stdout())
}

/// The CLI's `--json` value for a query (`runs`, `show`, `stats`, `loops`,
/// `alerts`); `Logs` in index.js builds the arguments.
#[napi(js_name = "_query", ts_return_type = "unknown")]
pub fn query<'e>(env: &'e Env, args: Vec<String>) -> Result<Unknown<'e>> {
    let value = tooltrail_core::cli::query(&args)
        .map_err(|message| tooltrail_core::Error::Query { message })
        .js(env)?;
    crate::to_unknown(env, &value)
}

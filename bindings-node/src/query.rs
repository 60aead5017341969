//! The CLI and the log queries (`Logs` in `lib/logs.js`).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tooltrail_json::Value;
use tooltrail_query::{KeyCase, query_answer, unconvertible_options};

use crate::convert::{Converter, Fail};
use crate::errors::{Failure, ResultExt};

/// Runs the `tooltrail` CLI with `args`; returns the exit code (npm bin).
#[napi(js_name = "_cliMain")]
pub fn cli_main(args: Vec<String>) -> i32 {
    tooltrail_cli::run(&args, &mut std::io::stdin(), &mut std::io::stdout())
}

/// A query over the logs at `path`: `command` (`runs`, `show`, `stats`,
/// `loops`, `alerts`, `tail`) with `options` (an object with the public
/// camelCase keys; absent, `undefined` or `null` for the core's defaults),
/// answered as `[value, note]`: the CLI's `--json` value, and the core's
/// sentence saying what the record is missing (`null` when complete;
/// lib/logs.js warns with it). The core checks the options; `Logs` in
/// lib/logs.js only passes them on.
#[napi(
    js_name = "_query",
    ts_args_type = "path: string, command: string, options?: Record<string, unknown> | null",
    ts_return_type = "[unknown, string | null]"
)]
pub fn query<'e>(
    env: &'e Env,
    path: String,
    command: String,
    options: Option<Unknown<'e>>,
) -> Result<(Unknown<'e>, Option<String>)> {
    let options = match options {
        Some(o) if !matches!(o.get_type()?, ValueType::Undefined | ValueType::Null) => {
            // `o` belongs to `env`, the environment of this call.
            Converter::new(env)
                .and_then(|c| c.value(o.raw()))
                .map_err(|f| match f {
                    // A value with no JSON form (a Date as `since`) is a
                    // wrong type like any other: it names its option.
                    Fail::Canon(e) => Failure::Core(unconvertible_options(e)),
                    Fail::Js(e) => Failure::Pending(e),
                })
                .js(env)?
        }
        _ => Value::Null,
    };
    let (value, note) = query_answer(path.as_ref(), &command, &options, KeyCase::Camel).js(env)?;
    Ok((crate::to_unknown(env, &value)?, note))
}

//! `docs/reference/config.md`: every configuration key, from the key table
//! the reader is tested against ([`crate::config::KEYS`]).

use std::fmt::Write;

use super::{cell, header};
use crate::config::{ConfigKey, KEYS, KeyDefault, KeyType};

fn number(n: f64) -> String {
    format!("{n}")
}

fn ty(t: KeyType) -> String {
    match t {
        KeyType::Bool => "boolean".into(),
        KeyType::Choice(values) => {
            let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            quoted.join(" | ")
        }
        KeyType::Number { min, max } if max == f64::MAX => format!("number ≥ {}", number(min)),
        KeyType::Number { min, max } => format!("number, {} to {}", number(min), number(max)),
        KeyType::Whole { min, max } => format!("whole number, {min} to {max}"),
        KeyType::Count => "whole number ≥ 1".into(),
        KeyType::Str => "string".into(),
        KeyType::StrList => "list of strings".into(),
        KeyType::Duration => "duration (`30s`, `5m`, `2h`, `1d`) or seconds".into(),
        KeyType::Instant => "RFC 3339 time, any offset".into(),
        KeyType::Url => "URL".into(),
        KeyType::Headers => "mapping of header names to strings".into(),
        KeyType::Prices => {
            "mapping of model names to `{input_per_mtok, output_per_mtok, cached_input_per_mtok?}`"
                .into()
        }
        KeyType::Patterns => "list of `{name, pattern}` (a label and a regular expression)".into(),
        KeyType::Section => "mapping".into(),
    }
}

fn default(d: KeyDefault) -> String {
    match d {
        KeyDefault::Value(v) => format!("`{}`", v.replace(',', ", ")),
        KeyDefault::Unset => "not set".into(),
        KeyDefault::Required => "required".into(),
        KeyDefault::Text(t) => t.into(),
    }
}

fn row(out: &mut String, k: &ConfigKey) {
    let _ = writeln!(
        out,
        "| `{}` | {} | {} | {} |",
        k.key,
        cell(&ty(k.ty)),
        cell(&default(k.default)),
        cell(k.doc)
    );
}

/// The example at the top of the page (read by the reader when the page is made).
const EXAMPLE: &str = "\
logging:
  ids: { run_id: required, trace_id: required, request_id: optional }
  tool_calls: { store_results: sampled, result_sample_rate: 0.01 }
  alerts:
    timeout_rate: { warn: 0.02, critical: 0.05, for: 5m }
budgets:
  max_tool_calls: 50
  loop_guard: { warn_after: 3, block_after: 5 }
";

/// The page.
pub fn config_reference() -> String {
    if let Err(e) = crate::config::Config::from_yaml(EXAMPLE) {
        panic!("the example on the configuration page is refused: {e}");
    }
    let mut out = header(
        "Configuration",
        "the configuration key table (core/pipeline/src/config/keys.rs)",
    );
    out.push_str(
        "\nThe configuration is a YAML file, or the same settings as a dict (Python) or an \
         object (Node), passed as `config=` to the gateway or the writer; `load_config` / \
         `loadConfig` checks one ahead of time. Every key is optional unless marked required, \
         and an unknown key or a bad value is an error naming the dotted key (`ConfigError` \
         in Python, `TooltrailError` with code `config_error` in Node, `.key` \
         `logging.tool_calls.store_results`). A key set to `null` is the same as leaving it out, \
         except an alert rule, which `null` turns off. A file holds one YAML document, with \
         no duplicate keys and no aliases (`*name`: write the value out).\n\n\
         ```yaml\n",
    );
    out.push_str(EXAMPLE);
    out.push_str("```\n");
    let mut top = "";
    for k in &KEYS {
        let first = k.key.split('.').next().unwrap_or(k.key);
        if first != top {
            top = first;
            let _ = writeln!(out, "\n## {top}\n\n{}", k.doc);
            out.push_str("\n| key | type | default | meaning |\n| --- | --- | --- | --- |\n");
            if k.key == top {
                continue;
            }
        }
        row(&mut out, k);
    }
    out
}

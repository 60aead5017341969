//! What the bench binaries share: their `--json FILE` option, which
//! `bench/run.sh --all` uses to gather every target into one summary
//! (`bench/summary.py`).

/// The positional arguments, and the file of `--json FILE` (anywhere among
/// them) when given.
pub fn args_and_json() -> (Vec<String>, Option<String>) {
    let mut positional = Vec::new();
    let mut json = None;
    let mut argv = std::env::args().skip(1);
    while let Some(a) = argv.next() {
        match a.as_str() {
            "--json" => json = Some(argv.next().expect("--json takes a file")),
            _ => positional.push(a),
        }
    }
    (positional, json)
}

/// Writes `value` to `path` as JSON.
pub fn write_json(path: &str, value: &serde_json::Value) {
    std::fs::write(path, value.to_string() + "\n").expect("write the --json file");
}

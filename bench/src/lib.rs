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

/// Writes `fields` (each value already JSON text) to `path` as one object.
pub fn write_json(path: &str, fields: &[(&str, String)]) {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            let mut key = Vec::new();
            tooltrail_json::write_string(k, &mut key);
            format!("{}: {v}", String::from_utf8(key).expect("UTF-8"))
        })
        .collect();
    std::fs::write(path, format!("{{{}}}\n", body.join(", "))).expect("write the --json file");
}

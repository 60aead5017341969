//! Runs every shared case in `tests/vectors/canonical/` (also read by the
//! Python and Node suites). `y_` cases must canonicalize and hash as recorded;
//! `n_` cases must fail with the recorded kind and path.

use std::path::PathBuf;

use tooltrail_json::{
    Value, canonical_json_from_text, hmac_sha256_hex, parse_json, stable_hash_json,
};

fn field<'a>(case: &'a Value, name: &str) -> Option<&'a str> {
    match case.get(name) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

#[test]
fn every_shared_vector_holds() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/canonical");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut valid, mut invalid) = (0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let case = parse_json(&std::fs::read(path).unwrap()).unwrap();
        let input = field(&case, "input").unwrap();
        if name.starts_with("y_") {
            let canonical = field(&case, "canonical").unwrap();
            assert_eq!(
                canonical_json_from_text(input).unwrap(),
                canonical,
                "{name}"
            );
            let sha = field(&case, "sha256").unwrap();
            assert_eq!(stable_hash_json(input).unwrap(), sha, "{name}");
            if let Some(h) = case.get("hmac_sha256") {
                let key = field(h, "key").unwrap();
                let hex = field(h, "hex").unwrap();
                assert_eq!(hmac_sha256_hex(key.as_bytes(), canonical.as_bytes()), hex);
            }
            valid += 1;
        } else {
            assert!(name.starts_with("n_"), "unexpected vector file {name}");
            let err = stable_hash_json(input).expect_err(&name);
            assert_eq!(
                err.kind().as_str(),
                field(&case, "kind").unwrap(),
                "{name}: {err}"
            );
            assert_eq!(
                err.path().to_string(),
                field(&case, "path").unwrap(),
                "{name}: {err}"
            );
            invalid += 1;
        }
    }
    assert!(
        valid >= 25 && invalid >= 35,
        "too few vectors: {valid} y_, {invalid} n_"
    );
}

//! RFC 8785 reference data from `tests/vectors/jcs/` (the six input/output
//! pairs and the 10,000 ES6 number lines) must all pass.

use std::path::PathBuf;

use tooltrail_json::{Value, canonical_json, canonical_json_from_text};

fn jcs_dir() -> PathBuf {
    // Copied into the repository (tests/vectors/jcs/README.md says from where),
    // so a clone tests itself with nothing beside it.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/jcs");
    assert!(dir.is_dir(), "JCS vectors not found at {}", dir.display());
    dir
}

#[test]
fn every_reference_pair_canonicalizes_byte_exactly() {
    let dir = jcs_dir();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir.join("input")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let input = std::fs::read_to_string(&path).unwrap();
        let expected = std::fs::read(dir.join("output").join(name)).unwrap();
        let got = canonical_json_from_text(&input).unwrap();
        assert_eq!(got.as_bytes(), &expected[..], "{}", path.display());
        seen += 1;
    }
    assert_eq!(seen, 6);
}

#[test]
fn every_es6_number_line_formats_like_javascript() {
    let text = std::fs::read_to_string(jcs_dir().join("numbers/es6testfile_10k.txt")).unwrap();
    let mut lines = 0;
    for line in text.lines() {
        let (hex, expected) = line.split_once(',').unwrap();
        let f = f64::from_bits(u64::from_str_radix(hex, 16).unwrap());
        assert_eq!(
            canonical_json(&Value::Number(f)).unwrap(),
            expected,
            "bits {hex}"
        );
        lines += 1;
    }
    assert_eq!(lines, 10_000);
}

//! Streams events from a log directory (rotated files oldest first) or a
//! single file, one line at a time; a truncated or malformed line is skipped
//! and counted, never fatal.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::parse::parse_json;
use crate::value::Value;

/// The files of a log location, oldest first: `tooltrail.N.jsonl` …
/// `tooltrail.1.jsonl`, then `tooltrail.jsonl`; other `*.jsonl` files by name
/// before them.
pub fn log_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<(u8, u64, String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let p = entry?.path();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        if !name.ends_with(".jsonl") {
            continue;
        }
        let rank = if name == "tooltrail.jsonl" {
            (2, 0)
        } else if let Some(n) = name
            .strip_prefix("tooltrail.")
            .and_then(|r| r.strip_suffix(".jsonl"))
            .and_then(|n| n.parse::<u64>().ok())
        {
            (1, u64::MAX - n) // higher numbers are older
        } else {
            (0, 0)
        };
        files.push((rank.0, rank.1, name, p));
    }
    files.sort();
    Ok(files.into_iter().map(|f| f.3).collect())
}

/// Reads events one by one from `path`.
pub struct EventReader {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<BufReader<File>>,
    line: Vec<u8>,
    /// Lines that were not a whole JSON object (a truncated tail, say).
    pub skipped: u64,
}

impl EventReader {
    /// Opens a directory or file of JSONL events.
    pub fn open(path: &Path) -> io::Result<Self> {
        Ok(Self {
            files: log_files(path)?.into_iter(),
            current: None,
            line: Vec::new(),
            skipped: 0,
        })
    }
}

impl Iterator for EventReader {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        loop {
            if self.current.is_none() {
                let file = File::open(self.files.next()?).ok()?;
                self.current = Some(BufReader::with_capacity(1 << 16, file));
            }
            self.line.clear();
            match self
                .current
                .as_mut()
                .expect("opened")
                .read_until(b'\n', &mut self.line)
            {
                Ok(0) | Err(_) => self.current = None,
                Ok(_) => match parse_json(self.line.strip_suffix(b"\n").unwrap_or(&self.line)) {
                    Ok(v @ Value::Object(_)) => return Some(v),
                    _ => self.skipped += 1,
                },
            }
        }
    }
}

/// A string field of an event.
pub fn str_field<'a>(e: &'a Value, key: &str) -> Option<&'a str> {
    match e.get(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// A number field of an event.
pub fn num_field(e: &Value, key: &str) -> Option<f64> {
    match e.get(key) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

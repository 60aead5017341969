//! Streams events from a log directory (rotated files oldest first) or a
//! single file, one line at a time; a truncated or malformed line is skipped
//! and counted, never fatal. A file that cannot be opened or read is an
//! error, never an early end: "0 runs" from logs nobody could read sends an
//! incident responder down the wrong path.

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

/// Reads events one by one from `path`. Iteration stops at the first I/O
/// error, which [`EventReader::finish`] then returns: callers that must not
/// mistake unreadable logs for empty ones (every query) call it.
pub struct EventReader {
    files: std::vec::IntoIter<(PathBuf, File)>,
    current: Option<(PathBuf, BufReader<File>)>,
    line: Vec<u8>,
    root: PathBuf,
    error: Option<io::Error>,
    /// Lines that were not a whole JSON object (a truncated tail, say).
    pub skipped: u64,
}

impl EventReader {
    /// Opens a directory or file of JSONL events. Every file is opened here,
    /// so a permission problem is reported now rather than ending the stream
    /// early; holding the handles also makes the read a snapshot that a
    /// rotation during it cannot skip or repeat.
    pub fn open(path: &Path) -> io::Result<Self> {
        let files = log_files(path)?
            .into_iter()
            .map(|p| match File::open(&p) {
                Ok(f) => Ok((p, f)),
                Err(e) => Err(in_file(path, &p, e)),
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Self {
            files: files.into_iter(),
            current: None,
            line: Vec::new(),
            root: path.to_path_buf(),
            error: None,
            skipped: 0,
        })
    }

    /// `Ok` when every file was read to its end; the I/O error that stopped
    /// the stream otherwise.
    pub fn finish(&mut self) -> io::Result<()> {
        self.error.take().map_or(Ok(()), Err)
    }
}

/// Names the file in an I/O error when `root` is a directory (it holds
/// several); a single file is already named by the caller's message.
fn in_file(root: &Path, file: &Path, e: io::Error) -> io::Error {
    if file == root {
        return e;
    }
    io::Error::new(e.kind(), format!("{}: {e}", file.display()))
}

impl Iterator for EventReader {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        if self.error.is_some() {
            return None;
        }
        loop {
            if self.current.is_none() {
                let (path, file) = self.files.next()?;
                self.current = Some((path, BufReader::with_capacity(1 << 16, file)));
            }
            let (path, reader) = self.current.as_mut().expect("opened");
            self.line.clear();
            match reader.read_until(b'\n', &mut self.line) {
                Ok(0) => self.current = None,
                Err(e) => {
                    self.error = Some(in_file(&self.root, path, e));
                    self.current = None;
                    return None;
                }
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

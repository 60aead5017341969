//! Streams events from a log directory (rotated files oldest first) or a
//! single file, one line at a time; a truncated or malformed line is skipped
//! and counted, never fatal. A file that cannot be opened or read is an
//! error, never an early end: "0 runs" from logs nobody could read sends an
//! incident responder down the wrong path.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use tooltrail_json::Value;
use tooltrail_json::parse_json;

/// The files of a log location, oldest first: `tooltrail.N.jsonl` …
/// `tooltrail.1.jsonl`, then `tooltrail.jsonl`; other `*.jsonl` files by name
/// before them.
pub fn log_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        // Said as it is: `read_dir` would answer "Not a directory" for a
        // FIFO or a device given as the log file.
        return Err(not_regular());
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
    /// Of `skipped`, lines over [`MAX_LINE_BYTES`].
    pub too_long: u64,
}

impl EventReader {
    /// Opens a directory or file of JSONL events. Every file is opened here,
    /// so a permission problem is reported now rather than ending the stream
    /// early; holding the handles also makes the read a snapshot that a
    /// rotation during it cannot skip or repeat.
    pub fn open(path: &Path) -> io::Result<Self> {
        let files = open_files(path)?;
        Ok(Self {
            files: files.into_iter(),
            current: None,
            line: Vec::new(),
            root: path.to_path_buf(),
            error: None,
            skipped: 0,
            too_long: 0,
        })
    }

    /// `Ok` when every file was read to its end; the I/O error that stopped
    /// the stream otherwise.
    pub fn finish(&mut self) -> io::Result<()> {
        self.error.take().map_or(Ok(()), Err)
    }
}

/// Opens every file of a log location ([`log_files`]), oldest first: the
/// first that cannot be opened is the error, naming it.
pub(crate) fn open_files(path: &Path) -> io::Result<Vec<(PathBuf, File)>> {
    log_files(path)?
        .into_iter()
        .map(|p| match open_regular(&p) {
            Ok(f) => Ok((p, f)),
            Err(e) => Err(in_file(path, &p, e)),
        })
        .collect()
}

/// The longest line read, the core's: a longer one (a `*.jsonl` that is
/// really `/dev/zero`-like garbage, or a corrupt file) is skipped and counted
/// rather than held in memory whole. No gateway line comes near it.
pub use tooltrail_core::MAX_LINE_BYTES;

/// Opens a file only if it is a regular one (after symlinks): a FIFO named
/// `*.jsonl` would block the open forever, a device read endlessly.
fn open_regular(path: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    File::open(path)
}

fn not_regular() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a FIFO, socket or device); tooltrail reads only regular files",
    )
}

/// Reads one line into `line` (without holding more than
/// [`MAX_LINE_BYTES`] of it): `Ok(None)` at the end, `Ok(Some(true))` for a
/// line that fit, `Ok(Some(false))` for one that was too long (consumed and
/// dropped).
fn read_line_capped(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Option<bool>> {
    let mut fits = true;
    let mut any = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (chunk, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if fits && line.len() + n <= MAX_LINE_BYTES {
            line.extend_from_slice(chunk);
        } else {
            fits = false;
            line.clear();
        }
        reader.consume(n);
        if done {
            return Ok(Some(fits));
        }
    }
}

/// Names the file in an I/O error when `root` is a directory (it holds
/// several); a single file is already named by the caller's message.
pub(crate) fn in_file(root: &Path, file: &Path, e: io::Error) -> io::Error {
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
            match read_line_capped(reader, &mut self.line) {
                Ok(None) => self.current = None,
                Err(e) => {
                    self.error = Some(in_file(&self.root, path, e));
                    self.current = None;
                    return None;
                }
                Ok(Some(false)) => {
                    self.skipped += 1;
                    self.too_long += 1;
                }
                Ok(Some(true)) => {
                    match parse_json(self.line.strip_suffix(b"\n").unwrap_or(&self.line)) {
                        Ok(v @ Value::Object(_)) => return Some(v),
                        _ => self.skipped += 1,
                    }
                }
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

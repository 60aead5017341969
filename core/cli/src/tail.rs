//! `tail -f`: follows the active log file after the last events were shown,
//! across rotations.
//!
//! The writer rotates by renaming the active file to `tooltrail.1.jsonl`
//! (shifting older ones up) after a batch is written, possibly several times
//! between two polls. Following a path by its length (the first version) lost
//! the end of every rotated file. So the follower keeps the file it reads
//! open: a renamed (or unlinked) file still reads to its end through that
//! handle. When the active path names another file, it finishes the open one,
//! then reads the rotated files newer than it (found by inode among
//! `tooltrail.N.jsonl`), then the new active file from its start.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{CliError, emit_json, text};
use tooltrail_core::schema::field;
use tooltrail_core::writer::{ACTIVE_FILE, DirSink};

/// How often the active file is polled: fast enough to feel live, rare
/// enough to cost nothing.
const POLL: Duration = Duration::from_millis(200);

/// Rotated files looked at when catching up (the writer's `max_files` is
/// usually far smaller).
const MAX_ROTATED: usize = 1000;

/// Prints events appended to the active file as they arrive (only `run`'s,
/// when given), until SIGINT, SIGTERM or SIGHUP; returns the exit code for
/// it (128 + its number).
pub(super) fn follow(
    path: &Path,
    run: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let mut follower = Follower::start(path)?;
    // Ctrl-C and SIGTERM end the loop even inside Python, whose handlers
    // wait for an interpreter this loop never returns to; the exit code is
    // the shell's for death by that signal (130, 143).
    let (tx, signals) = std::sync::mpsc::channel();
    let _guard = tooltrail_core::signals::watch(tx, |signum| signum);
    loop {
        out.flush()?;
        match signals.recv_timeout(POLL) {
            Ok(signum) => return Ok(128 + signum),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            // No watcher (the pipe could not be made): poll on.
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(POLL),
        }
        follower.poll(&mut |line| print(line, run, json, out))?;
    }
}

fn print(line: &[u8], run: Option<&str>, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    if let Ok(e) = tooltrail_json::parse_json(line) {
        if run.is_some_and(|r| tooltrail_query::str_field(&e, field::RUN_ID) != Some(r)) {
            return Ok(());
        }
        if json {
            emit_json(out, &e)?;
        } else {
            text::tail_line(&mut text::TerminalSafe(out), &e)?;
        }
    }
    Ok(())
}

/// The file being followed and what of it was read.
pub(crate) struct Follower {
    dir: Option<PathBuf>,
    active: PathBuf,
    /// The open file (it may have been renamed or unlinked since) and the
    /// bytes of it already handed out as whole lines.
    file: Option<(File, u64)>,
}

impl Follower {
    /// Starts at the current end of the active file (`path`: a log
    /// directory or one file).
    pub(crate) fn start(path: &Path) -> Result<Self, CliError> {
        let (dir, active) = if path.is_dir() {
            (Some(path.to_path_buf()), path.join(ACTIVE_FILE))
        } else {
            (None, path.to_path_buf())
        };
        let file = match File::open(&active) {
            Ok(f) => {
                let end = f.metadata()?.len();
                Some((f, end))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Self { dir, active, file })
    }

    /// Hands every whole line written since the last poll to `each`, in
    /// order, including the ends of files rotated away meanwhile.
    pub(crate) fn poll(
        &mut self,
        each: &mut dyn FnMut(&[u8]) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        if let Some((f, offset)) = &mut self.file {
            if f.metadata()?.len() < *offset {
                *offset = 0; // truncated in place (copytruncate): start over
            }
            read_lines(f, offset, each)?;
        }
        let current = match std::fs::metadata(&self.active) {
            Ok(m) => Some((m.dev(), m.ino())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        let open = match &self.file {
            Some((f, _)) => {
                let m = f.metadata()?;
                Some((m.dev(), m.ino()))
            }
            None => None,
        };
        if current.is_none() || current == open {
            return Ok(());
        }
        // Rotated: the open file was read to its end above. Files rotated
        // after it and before the new active one are read whole, oldest first.
        if let (Some(dir), Some(open)) = (&self.dir, open) {
            for path in newer_rotated(dir, open) {
                if let Ok(mut f) = File::open(&path) {
                    read_lines(&mut f, &mut 0, each)?;
                }
            }
        }
        self.file = match File::open(&self.active) {
            Ok(mut f) => {
                let mut offset = 0;
                read_lines(&mut f, &mut offset, each)?;
                Some((f, offset))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        Ok(())
    }
}

/// `tooltrail.k-1.jsonl` … `tooltrail.1.jsonl` when the file with inode
/// `open` is now `tooltrail.k.jsonl` (newest last); none if it is gone.
fn newer_rotated(dir: &Path, open: (u64, u64)) -> Vec<PathBuf> {
    let mut newer = Vec::new();
    for n in 1..=MAX_ROTATED {
        let path = DirSink::rotated_path(dir, n);
        let Ok(m) = std::fs::metadata(&path) else {
            return Vec::new(); // the open file was deleted: nothing to bridge
        };
        if (m.dev(), m.ino()) == open {
            newer.reverse();
            return newer;
        }
        newer.push(path);
    }
    Vec::new()
}

/// Whole lines of `f` from `offset` on (a last line without its newline is
/// still being written: left for the next poll).
fn read_lines(
    f: &mut File,
    offset: &mut u64,
    each: &mut dyn FnMut(&[u8]) -> Result<(), CliError>,
) -> Result<(), CliError> {
    f.seek(SeekFrom::Start(*offset))?;
    let mut reader = BufReader::new(&mut *f);
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line)? > 0 {
        if !line.ends_with(b"\n") {
            break;
        }
        *offset += line.len() as u64;
        each(&line[..line.len() - 1])?;
        line.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tooltrail_core::writer::{DirSinkConfig, EventWriter, SinkSpec, WriterConfig};

    /// `tail -f --run R` prints R's events only; lines that are not events
    /// are passed over as before.
    #[test]
    fn following_one_run_prints_its_events_only() {
        let mut out = Vec::new();
        for line in [
            r#"{"event":"tool_call","run_id":"a","seq":1}"#,
            r#"{"event":"tool_call","run_id":"b","seq":1}"#,
            r#"{"event":"writer_dropped","run_id":null}"#,
            "not json",
            r#"{"event":"run_end","run_id":"a"}"#,
        ] {
            print(line.as_bytes(), Some("a"), true, &mut out).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines.iter().all(|l| l.contains(r#""run_id":"a""#)),
            "{text}"
        );
    }

    /// Many rotations between two polls, and between the follower's start
    /// and its first poll: every line written after the start comes out
    /// once, in order (issue 15 item 1: 39 of 61 lines before).
    #[test]
    fn follows_across_rotations() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = DirSinkConfig::new(dir.path());
        sink.max_file_bytes = 300;
        sink.max_files = 100;
        let writer = EventWriter::new(WriterConfig {
            sink: SinkSpec::Dir(sink),
            ..WriterConfig::default()
        })
        .unwrap();
        let line = |i: usize| {
            format!(
                "{{\"event\":\"e\",\"i\":{i},\"pad\":\"{}\"}}\n",
                "x".repeat(i % 90)
            )
        };
        for i in 0..5 {
            writer.write_line(line(i).into_bytes());
        }
        assert!(writer.flush(Duration::from_secs(10)));
        let mut follower = Follower::start(dir.path()).unwrap();
        let mut seen = Vec::new();
        let mut collect = |l: &[u8]| {
            seen.push(String::from_utf8(l.to_vec()).unwrap());
            Ok(())
        };
        for i in 5..200 {
            writer.write_line(line(i).into_bytes());
            // Flushed batches of various sizes, several rotations per poll.
            if i % 7 == 0 {
                assert!(writer.flush(Duration::from_secs(10)));
            }
            if i % 31 == 0 {
                follower.poll(&mut collect).unwrap();
            }
        }
        assert!(writer.flush(Duration::from_secs(10)));
        follower.poll(&mut collect).unwrap();
        let want: Vec<String> = (5..200).map(|i| line(i).trim_end().to_owned()).collect();
        assert_eq!(seen.len(), want.len());
        assert_eq!(seen, want);
    }
}

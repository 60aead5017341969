//! `tail -f`: follows the active log file after the last events were shown.

use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;

use super::{CliError, emit_json, text};

/// How often the active file is polled: fast enough to feel live, rare
/// enough to cost nothing.
const POLL: Duration = Duration::from_millis(200);

/// Prints events appended to the active file as they arrive, forever.
/// Only whole lines are printed (the writer's line may still be growing);
/// a file shorter than what was read means it was rotated: start over.
pub(super) fn follow(path: &Path, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let active = if path.is_dir() {
        path.join(crate::writer::ACTIVE_FILE)
    } else {
        path.to_path_buf()
    };
    let mut offset = std::fs::metadata(&active).map(|m| m.len()).unwrap_or(0);
    loop {
        out.flush()?;
        std::thread::sleep(POLL);
        let len = std::fs::metadata(&active).map(|m| m.len()).unwrap_or(0);
        if len < offset {
            offset = 0; // rotated
        }
        if len == offset {
            continue;
        }
        let mut f = std::fs::File::open(&active)?;
        f.seek(SeekFrom::Start(offset))?;
        let mut reader = BufReader::new(f);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line)? > 0 {
            if !line.ends_with(b"\n") {
                break; // a line still being written: wait for the rest
            }
            offset += line.len() as u64;
            if let Ok(e) = crate::parse::parse_json(&line[..line.len() - 1]) {
                if json {
                    emit_json(out, &e)?;
                } else {
                    text::tail_line(out, &e)?;
                }
            }
            line.clear();
        }
    }
}

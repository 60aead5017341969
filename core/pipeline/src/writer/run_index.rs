//! The run index kept beside each log file (`tooltrail.jsonl.idx`): one
//! record per batch written, appended under the same lock right after the
//! batch, naming the byte range of the batch and, for each run in it, the
//! range from its first line's start to its last line's end. A reader
//! (`tooltrail show`) then reads only those ranges of a big log. The index
//! is only a cache: the reader checks every record (checksum, contiguous
//! offsets, inside the file), scans what no record covers (lines written
//! before the index or after a record was lost) and ignores an index it
//! cannot trust.
//!
//! A record is one line: a JSON object `{"o":OFFSET,"n":LENGTH,"r":[[RUN,
//! START,END],…]}` (with `"d":1` when the batch holds a `writer_dropped`
//! report, which a reader must always see), a tab, and the FNV-1a 64 hash
//! of the object's bytes in 16 hex digits. `RUN` is the run id as the log
//! spells it (a JSON string, escapes kept), `START`/`END` are relative to
//! `OFFSET`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use memchr::memmem;

/// The index file of log file `log` (`tooltrail.jsonl` → `tooltrail.jsonl.idx`).
pub fn index_path(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".idx");
    PathBuf::from(name)
}

/// FNV-1a, 64 bits: the record checksum (cheap, no dependency; it guards
/// against torn and edited records, not against an adversary).
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// How far into a line the run id may start: the writer's lines put it
/// right after `v`, `ts` and `event`.
const ID_WITHIN: usize = 160;

/// The run id of one of the writer's lines, as spelled (quotes included);
/// `None` for `"run_id":null` or a line without one near its start.
fn run_id_of(line: &[u8]) -> Option<&[u8]> {
    let head = &line[..line.len().min(ID_WITHIN)];
    let at = memmem::find(head, b",\"run_id\":\"")? + 10;
    let mut i = at + 1;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 2,
            b'"' => return Some(&line[at..=i]),
            _ => i += 1,
        }
    }
    None
}

/// The record of `batch`, written at byte `offset` of its log file.
pub(super) fn record(offset: u64, batch: &[u8]) -> Vec<u8> {
    // Runs in order of first appearance: (id, start, end).
    let mut runs: Vec<(&[u8], usize, usize)> = Vec::new();
    let mut drops = false;
    let mut start = 0;
    for line in batch.split_inclusive(|&b| b == b'\n') {
        let end = start + line.len();
        match run_id_of(line) {
            Some(id) => match runs.iter_mut().rev().find(|r| r.0 == id) {
                Some(r) => r.2 = end,
                None => runs.push((id, start, end)),
            },
            None => {
                let head = &line[..line.len().min(ID_WITHIN)];
                drops |= memmem::find(head, b"\"event\":\"writer_dropped\"").is_some();
            }
        }
        start = end;
    }
    let mut text = format!("{{\"o\":{offset},\"n\":{},\"r\":[", batch.len());
    for (i, (id, s, e)) in runs.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push('[');
        text.push_str(&String::from_utf8_lossy(id));
        let _ = write!(text, ",{s},{e}]");
    }
    text.push(']');
    if drops {
        text.push_str(",\"d\":1");
    }
    text.push('}');
    let hash = fnv64(text.as_bytes());
    let _ = writeln!(text, "\t{hash:016x}");
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_names_each_runs_range() {
        let batch = concat!(
            "{\"v\":1,\"ts\":\"t\",\"event\":\"run_start\",\"run_id\":\"a\",\"x\":1}\n",
            "{\"v\":1,\"ts\":\"t\",\"event\":\"tool_call\",\"run_id\":\"b\\\"q\",\"x\":1}\n",
            "{\"v\":1,\"ts\":\"t\",\"event\":\"writer_dropped\",\"run_id\":null}\n",
            "{\"v\":1,\"ts\":\"t\",\"event\":\"run_end\",\"run_id\":\"a\"}\n",
        );
        let rec = String::from_utf8(record(100, batch.as_bytes())).unwrap();
        let (json, hash) = rec.trim_end().split_once('\t').unwrap();
        assert_eq!(u64::from_str_radix(hash, 16).unwrap(), fnv64(json.as_bytes()));
        let first = batch.find('\n').unwrap() + 1;
        let second = first + batch[first..].find('\n').unwrap() + 1;
        assert_eq!(
            json,
            format!(
                "{{\"o\":100,\"n\":{},\"r\":[[\"a\",0,{}],[\"b\\\"q\",{first},{second}]],\"d\":1}}",
                batch.len(),
                batch.len()
            )
        );
    }
}

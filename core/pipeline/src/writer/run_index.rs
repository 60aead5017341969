//! The run index kept beside each log file (`tooltrail.jsonl.idx`): records
//! appended under the sink's lock, each naming a byte range of the log and,
//! for each run in it, the range from its first line's start to its last
//! line's end. A reader
//! (`tooltrail show`) then reads only those ranges of a big log. The index
//! is only a cache: the reader checks every record (checksum, contiguous
//! offsets, inside the file), scans what no record covers (lines written
//! before the index or after a record was lost) and ignores an index it
//! cannot trust.
//!
//! A process's consecutive batches share one record (up to
//! [`SEGMENT_BYTES`] of log), written once the segment is full, when the
//! file rotates and at `flush()`; records of several processes may stand
//! in any order (the reader sorts them by offset).
//!
//! A record is one line: a JSON object `{"o":OFFSET,"n":LENGTH,"r":[[RUN,
//! START,END],…]}` (with `"d":[START,END]` around the `writer_dropped`
//! reports it holds, which a reader must always see), a tab, and the record hash ([`record_hash`])
//! of the object's bytes in 16 hex digits. `RUN` is the run id as the log
//! spells it (a JSON string, escapes kept), `START`/`END` are relative to
//! `OFFSET`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use memchr::memmem::{self, Finder};
use memchr::{memchr_iter, memchr2};

/// The index file of log file `log` (`tooltrail.jsonl` → `tooltrail.jsonl.idx`).
pub fn index_path(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".idx");
    PathBuf::from(name)
}

/// The record checksum: a 64-bit multiply-rotate hash over 8-byte words
/// (about eight times FNV-1a's speed, so that checking a whole index stays
/// at memory speed; it guards against torn and edited records, not
/// against an adversary).
pub fn record_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = 0x243f_6a88_85a3_08d3 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 32)
}

/// How far into a line the run id may start: the writer's lines put it
/// right after `v`, `ts` and `event`.
const ID_WITHIN: usize = 160;

/// The run id of one of the writer's lines, as spelled (quotes included);
/// `None` for `"run_id":null` or a line without one near its start.
fn run_id_of(line: &[u8]) -> Option<&[u8]> {
    // Built once: a searcher per line cost more than the search.
    static KEY: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b",\"run_id\":\""));
    let head = &line[..line.len().min(ID_WITHIN)];
    let at = KEY.find(head)? + 10;
    let mut i = at + 1;
    while let Some(n) = memchr2(b'"', b'\\', line.get(i..)?) {
        i += n;
        match line[i] {
            b'"' => return Some(&line[at..=i]),
            _ => i += 2, // an escape: skip the escaped byte
        }
    }
    None
}

/// Most log bytes one record covers: a process's consecutive batches are
/// described by one record (fewer, larger records: a small index), written
/// once they reach this, at rotation and at `flush()`.
pub(super) const SEGMENT_BYTES: u64 = 1 << 20;

/// Consecutive batches of one process, not yet recorded.
#[derive(Debug, Default)]
pub(super) struct Segment {
    offset: u64,
    len: u64,
    /// Runs in order of first appearance: (id as spelled, start, end), absolute.
    runs: Vec<(Vec<u8>, u64, u64)>,
    /// Index into `runs` by id.
    by_id: std::collections::HashMap<Vec<u8>, usize>,
    /// The run of the last line seen, if any: a run's lines tend to come
    /// together, and this skips the map for them.
    last: Option<usize>,
    /// The range from the first `writer_dropped` report's start to the
    /// last one's end, absolute.
    drops: Option<(u64, u64)>,
}

impl Segment {
    /// A segment starting with `batch`, written at `offset`.
    pub(super) fn new(offset: u64, batch: &[u8]) -> Self {
        let mut s = Segment {
            offset,
            ..Segment::default()
        };
        s.add(batch);
        s
    }

    /// Where the next batch must start to extend this segment.
    pub(super) fn end(&self) -> u64 {
        self.offset + self.len
    }

    /// The log bytes it covers.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// Adds the batch written right after the segment's last one.
    pub(super) fn add(&mut self, batch: &[u8]) {
        let mut start = self.end();
        let ends = memchr_iter(b'\n', batch).map(|i| i + 1);
        // A batch is whole lines; a last one without its `\n` counts too.
        let tail = (batch.last() != Some(&b'\n') && !batch.is_empty()).then_some(batch.len());
        let mut from = 0;
        for to in ends.chain(tail) {
            let line = &batch[from..to];
            from = to;
            let end = start + line.len() as u64;
            match run_id_of(line) {
                Some(id) => match self.last.filter(|&i| self.runs[i].0 == id) {
                    Some(i) => self.runs[i].2 = end,
                    None => match self.by_id.get(id) {
                        Some(&i) => {
                            self.runs[i].2 = end;
                            self.last = Some(i);
                        }
                        None => {
                            self.last = Some(self.runs.len());
                            self.by_id.insert(id.to_vec(), self.runs.len());
                            self.runs.push((id.to_vec(), start, end));
                        }
                    },
                },
                None => {
                    let head = &line[..line.len().min(ID_WITHIN)];
                    if memmem::find(head, b"\"event\":\"writer_dropped\"").is_some() {
                        let first = self.drops.map_or(start, |d| d.0);
                        self.drops = Some((first, end));
                    }
                }
            }
            start = end;
        }
        self.len += batch.len() as u64;
    }

    /// The record line.
    pub(super) fn record(&self) -> Vec<u8> {
        let mut text = format!("{{\"o\":{},\"n\":{},\"r\":[", self.offset, self.len);
        for (i, (id, s, e)) in self.runs.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push('[');
            text.push_str(&String::from_utf8_lossy(id));
            let _ = write!(text, ",{},{}]", s - self.offset, e - self.offset);
        }
        text.push(']');
        if let Some((s, e)) = self.drops {
            let _ = write!(text, ",\"d\":[{},{}]", s - self.offset, e - self.offset);
        }
        text.push('}');
        let hash = record_hash(text.as_bytes());
        let _ = writeln!(text, "\t{hash:016x}");
        text.into_bytes()
    }
}

/// The record of one `batch` written at `offset` (a segment of one batch).
#[cfg(test)]
fn record(offset: u64, batch: &[u8]) -> Vec<u8> {
    Segment::new(offset, batch).record()
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
        assert_eq!(
            u64::from_str_radix(hash, 16).unwrap(),
            record_hash(json.as_bytes())
        );
        let first = batch.find('\n').unwrap() + 1;
        let second = first + batch[first..].find('\n').unwrap() + 1;
        let third = second + batch[second..].find('\n').unwrap() + 1;
        assert_eq!(
            json,
            format!(
                "{{\"o\":100,\"n\":{},\"r\":[[\"a\",0,{}],[\"b\\\"q\",{first},{second}]],\"d\":[{second},{third}]}}",
                batch.len(),
                batch.len()
            )
        );
    }

    #[test]
    fn ids_ending_in_an_escape_runs_that_alternate_and_a_last_line_without_its_newline() {
        let lines = [
            "{\"v\":1,\"event\":\"tool_call\",\"run_id\":\"a\\\\\",\"x\":1}\n",
            "{\"v\":1,\"event\":\"tool_call\",\"run_id\":\"b\",\"x\":2}\n",
            "{\"v\":1,\"event\":\"tool_call\",\"run_id\":\"a\\\\\",\"x\":3}\n",
            "{\"v\":1,\"event\":\"tool_call\",\"run_id\":\"b\",\"x\":4}",
        ];
        let batch = lines.concat();
        let ends: Vec<usize> = lines
            .iter()
            .scan(0, |at, l| {
                *at += l.len();
                Some(*at)
            })
            .collect();
        let rec = String::from_utf8(record(0, batch.as_bytes())).unwrap();
        let (json, _) = rec.split_once('\t').unwrap();
        assert_eq!(
            json,
            format!(
                "{{\"o\":0,\"n\":{},\"r\":[[\"a\\\\\",0,{}],[\"b\",{},{}]]}}",
                ends[3], ends[2], ends[0], ends[3]
            )
        );
    }
}

//! One run's events through the writer's run index
//! (`tooltrail_core::writer::run_index`), for `show`, `runs --run`, `tail
//! --run` and `report --run`:
//! for each log file whose index checks out, only the byte ranges its
//! records give for the run (and the batches holding a `writer_dropped`
//! report) are read, plus whatever no record covers; a file whose index is
//! missing or cannot be trusted is scanned whole, and said so. The answer is
//! the scan's, event for event: the index only decides what to read.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use memchr::memmem;
use tooltrail_core::writer::run_index::{index_path, record_hash};
use tooltrail_json::Value;

use super::Gaps;
use super::chunks::Block;
use super::parallel::{Logs, Plan, Work};
use super::show::{Show, ShowPart};

/// Most bytes of one file an index may leave uncovered before the file is
/// scanned in chunks instead (the uncovered ranges are read whole).
const MAX_UNCOVERED: u64 = 16 << 20;

/// The most bytes a record's `,"d":[S,E]}` ending takes (two 20-digit numbers).
const DROPS_TAIL: usize = 64;

/// What the indexes led to: one run's events.
pub(crate) struct IndexedRun {
    /// The run's events, in log order.
    pub(crate) events: Vec<Value>,
    /// What the read parts of the logs say is missing.
    pub(crate) gaps: Gaps,
    /// One sentence per file that was scanned whole, and why.
    pub(crate) notes: Vec<String>,
}

/// One checked record: the batch's range, and where the run is in it.
struct Hit {
    from: u64,
    to: u64,
}

/// What to read of one file: byte ranges, in order.
type Ranges = Vec<(u64, u64)>;

/// Reads `run_id`'s events through the indexes; `None` when no log file has
/// an index (nothing to gain: the caller scans as always).
pub(crate) fn read_run(logs: &Logs, run_id: &str, plan: &Plan) -> io::Result<Option<IndexedRun>> {
    let files: Vec<(&Path, u64)> = logs.files().map(|(p, _, n)| (p, n)).collect();
    if !files.iter().any(|(p, _)| index_path(p).exists()) {
        return Ok(None);
    }
    let spelled = spelled(run_id);
    let work = Show::new(run_id);
    let mut out = IndexedRun {
        events: Vec::new(),
        gaps: Gaps::default(),
        notes: Vec::new(),
    };
    let take = |p: ShowPart, out: &mut IndexedRun| {
        out.gaps.add(p.gaps.clone());
        out.events.extend(p.events);
    };
    for (i, (path, size)) in files.into_iter().enumerate() {
        if size == 0 {
            // Nothing to read (a file just rotated in has no index yet).
            continue;
        }
        match ranges(path, size, &spelled) {
            Ok(ranges) => {
                let mut part = work.part(i == 0);
                for (from, to) in ranges {
                    let bytes = logs.read_range(i, from, (to - from) as usize)?;
                    work.block(&mut part, Block::Lines(&bytes));
                }
                take(part, &mut out);
            }
            Err(why) => {
                out.notes
                    .push(format!("{}: {why}; scanned the whole file", path.display()));
                logs.only(i)?.read(plan, &work, |p| take(p, &mut out))?;
            }
        }
    }
    Ok(Some(out))
}

/// The run id as the writer spells it in a record: `["<escaped>",`.
fn spelled(run_id: &str) -> Vec<u8> {
    let mut out = b"[".to_vec();
    tooltrail_json::write_string(run_id, &mut out);
    out.push(b',');
    out
}

/// Opens the index of `log`: a regular file, never followed through a link
/// or waited on (a FIFO).
fn open_index(log: &Path) -> Result<Vec<u8>, String> {
    let path = index_path(log);
    let mut file = File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => "no run index".to_owned(),
            _ => format!("run index unreadable ({e})"),
        })?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("run index is not a regular file".into());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("run index unreadable ({e})"))?;
    Ok(bytes)
}

/// The ranges of a file of `size` bytes to read for the run spelled
/// `spelled`, or why its index cannot be used.
fn ranges(log: &Path, size: u64, spelled: &[u8]) -> Result<Ranges, String> {
    let index = open_index(log)?;
    let mut out: Ranges = Vec::new();
    let mut uncovered = 0u64;
    let mut next = 0u64; // where the next record should start
    let add = |from: u64, to: u64, out: &mut Ranges| match out.last_mut() {
        Some(last) if last.1 >= from => last.1 = last.1.max(to),
        _ => out.push((from, to)),
    };
    let find = memmem::Finder::new(spelled);
    // A last line without its `\n` is a record being written or torn:
    // its batch counts as uncovered.
    let whole = match index.iter().rposition(|&b| b == b'\n') {
        Some(end) => &index[..=end],
        None => &[][..],
    };
    // Records of several processes stand in any order: check each, then
    // walk them by offset.
    let mut records: Vec<(u64, u64, Vec<Hit>)> = Vec::new();
    // Lines found with memchr: a byte-at-a-time split of the ~0.5 % of the
    // logs an index is took most of a 10 GB directory's lookup.
    let mut start = 0;
    let lines = memchr::memchr_iter(b'\n', whole).map(|end| {
        let line = &whole[start..end];
        start = end + 1;
        line
    });
    let drops = memmem::FinderRev::new(b",\"d\":[");
    for (n, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let bad = |why: &str| format!("run index record {} {why}", n + 1);
        let (json, hash) = split_record(line).ok_or_else(|| bad("is malformed"))?;
        if record_hash(json) != hash {
            return Err(bad("fails its checksum"));
        }
        let (o, len) = offsets(json).ok_or_else(|| bad("is malformed"))?;
        let end = o.checked_add(len).ok_or_else(|| bad("is malformed"))?;
        if end > size {
            return Err(bad("lies past the end of the file (the file changed)"));
        }
        let found = hits(json, &find, &drops).ok_or_else(|| bad("is malformed"))?;
        if found.iter().any(|h| h.to > len || h.from > h.to) {
            return Err(bad("is malformed"));
        }
        records.push((o, len, found));
    }
    records.sort_by_key(|r| r.0);
    for (o, len, found) in records {
        if o < next {
            return Err(format!("run index records overlap at byte {o}"));
        }
        if o > next {
            uncovered += o - next;
            add(next, o, &mut out);
        }
        for hit in found {
            add(o + hit.from, o + hit.to, &mut out);
        }
        next = o + len;
    }
    if next < size {
        uncovered += size - next;
        add(next, size, &mut out);
    }
    if uncovered > MAX_UNCOVERED {
        return Err(format!(
            "the run index leaves {uncovered} of {size} bytes uncovered"
        ));
    }
    Ok(out)
}

/// A record line's object and checksum.
fn split_record(line: &[u8]) -> Option<(&[u8], u64)> {
    let tab = memchr::memrchr(b'\t', line)?;
    let hex = std::str::from_utf8(&line[tab + 1..]).ok()?;
    (hex.len() == 16)
        .then(|| u64::from_str_radix(hex, 16).ok())
        .flatten()
        .map(|h| (&line[..tab], h))
}

/// `o` and `n` of a record (`{"o":O,"n":N,…`).
fn offsets(json: &[u8]) -> Option<(u64, u64)> {
    let rest = json.strip_prefix(b"{\"o\":")?;
    let comma = memchr::memchr(b',', rest)?;
    let o = std::str::from_utf8(&rest[..comma]).ok()?.parse().ok()?;
    let rest = rest[comma..].strip_prefix(b",\"n\":")?;
    let comma = memchr::memchr(b',', rest)?;
    let n = std::str::from_utf8(&rest[..comma]).ok()?.parse().ok()?;
    Some((o, n))
}

/// Where the run (found by `find`) and a drop report are in a record's
/// batch, relative to its start; `None` for a record that does not parse.
fn hits(json: &[u8], find: &memmem::Finder<'_>, drops: &memmem::FinderRev<'_>) -> Option<Vec<Hit>> {
    let mut out = Vec::new();
    if let Some(at) = find.find(json) {
        out.push(range(&json[at + find.needle().len()..])?);
    }
    // The drop reports are read wherever they are (`"d":[S,E]` ends it).
    // The writer puts them last (`,"d":[S,E]}`): only the tail is searched.
    let tail = json.len().saturating_sub(DROPS_TAIL);
    if let Some(at) = drops.rfind(&json[tail..]) {
        out.push(range(&json[tail + at + 6..])?);
    }
    Some(out)
}

/// `S,E]…` as a range.
fn range(rest: &[u8]) -> Option<Hit> {
    let close = memchr::memchr(b']', rest)?;
    let mut nums = std::str::from_utf8(&rest[..close]).ok()?.split(',');
    let from = nums.next()?.parse().ok()?;
    let to = nums.next()?.parse().ok()?;
    Some(Hit { from, to })
}

#[cfg(test)]
#[path = "run_index_tests.rs"]
mod tests;

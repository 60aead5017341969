//! Reading a log file in pieces that threads can take on their own: a file
//! is cut into byte ranges ([`Chunk`]), and each range is read by positioned
//! reads into blocks of whole lines. A line belongs to the range its first
//! byte is in, however long it is, so every line is read once and whole,
//! and the lines come out exactly as the line-by-line reader
//! ([`EventReader`](super::EventReader)) makes them: split at `\n`, the
//! last one of a file with or without it, longer than [`MAX_LINE_BYTES`]
//! counted and dropped rather than held.

use std::fs::File;
use std::io;

use memchr::{memchr, memrchr};

use super::MAX_LINE_BYTES;

/// A byte range of one file: the lines that start in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// The file's index in the log location's files.
    pub(crate) file: usize,
    /// The first byte of the range.
    pub(crate) start: u64,
    /// Just past its last byte; `u64::MAX` for a file's last chunk, which
    /// reads on to the end of the file as it is then (a log still written).
    pub(crate) end: u64,
}

/// Cuts files of these sizes into chunks of about `bytes` each, in file
/// order (an empty file gets one chunk, which reads whatever it then has).
pub(crate) fn plan(sizes: &[u64], bytes: u64) -> Vec<Chunk> {
    let bytes = bytes.max(1);
    let mut out = Vec::new();
    for (file, &size) in sizes.iter().enumerate() {
        let mut start = 0;
        while size - start > bytes {
            out.push(Chunk {
                file,
                start,
                end: start + bytes,
            });
            start += bytes;
        }
        out.push(Chunk {
            file,
            start,
            end: u64::MAX,
        });
    }
    out
}

/// What a chunk's reading hands on.
#[derive(Debug)]
pub(crate) enum Block<'a> {
    /// Whole lines, each ending in `\n` except a file's last one.
    Lines(&'a [u8]),
    /// A line longer than [`MAX_LINE_BYTES`], dropped unread.
    TooLong,
}

impl<'a> Block<'a> {
    /// The block's lines; `None` for a line too long to read, which is
    /// counted in `gaps` as skipped.
    pub(crate) fn lines(self, gaps: &mut super::Gaps) -> Option<&'a [u8]> {
        match self {
            Block::Lines(lines) => Some(lines),
            Block::TooLong => {
                gaps.skip_too_long();
                None
            }
        }
    }
}

/// Reads the lines of `chunk` from `file` into blocks of about `buf` bytes
/// (more for a longer line), handing each to `each`.
pub(crate) fn read_chunk(
    file: &File,
    chunk: &Chunk,
    buf: usize,
    each: &mut dyn FnMut(Block<'_>),
) -> io::Result<()> {
    let mut buf = vec![0u8; buf.clamp(16, MAX_LINE_BYTES + 1)];
    // `pos` is the file offset of buf[0]; buf[..filled] is read, and from
    // the first line start on, buf[0] is always the start of a line.
    let (mut pos, mut filled) = match first_line(file, chunk, &mut buf)? {
        Some(at) => at,
        None => return Ok(()),
    };
    let mut scanned = 0; // buf[..scanned] holds no `\n`
    let mut dropping = false; // inside a line too long to keep
    loop {
        if dropping {
            if let Some(nl) = memchr(b'\n', &buf[..filled]) {
                buf.copy_within(nl + 1..filled, 0);
                (pos, filled, dropping) = (pos + nl as u64 + 1, filled - nl - 1, false);
            } else {
                (pos, filled) = (pos + filled as u64, 0);
            }
            scanned = 0;
        }
        if !dropping {
            if pos >= chunk.end {
                return Ok(());
            }
            if let Some(nl) = memrchr(b'\n', &buf[scanned..filled]).map(|i| i + scanned) {
                let mut cut = nl + 1;
                let owned_end = chunk.end - pos; // lines starting before this are ours
                if owned_end < cut as u64 {
                    // The line holding byte `owned_end - 1` is our last.
                    let from = owned_end as usize - 1;
                    cut = from + memchr(b'\n', &buf[from..=nl]).expect("nl is one") + 1;
                }
                each(Block::Lines(&buf[..cut]));
                buf.copy_within(cut..filled, 0);
                (pos, filled) = (pos + cut as u64, filled - cut);
                scanned = 0;
                continue;
            }
            scanned = filled;
            if filled > MAX_LINE_BYTES {
                // Longer than any line kept, with or without its `\n`.
                each(Block::TooLong);
                dropping = true;
                (pos, filled, scanned) = (pos + filled as u64, 0, 0);
            } else if filled == buf.len() {
                buf.resize((buf.len() * 2).min(MAX_LINE_BYTES + 1), 0);
            }
        }
        let n = read_at(file, &mut buf[filled..], pos + filled as u64)?;
        if n == 0 {
            // The end of the file: its last line has no `\n`.
            if !dropping && filled > 0 {
                each(Block::Lines(&buf[..filled]));
            }
            return Ok(());
        }
        filled += n;
    }
}

/// Finds the first line that starts in `chunk`: its offset, with the bytes
/// read from there at the front of `buf` (and how many). `None`: none does.
fn first_line(file: &File, chunk: &Chunk, buf: &mut [u8]) -> io::Result<Option<(u64, usize)>> {
    if chunk.start == 0 {
        return Ok(Some((0, 0)));
    }
    // A line starts at `start` only if the byte before it ends one.
    let mut pos = chunk.start - 1;
    loop {
        let n = read_at(file, buf, pos)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(nl) = memchr(b'\n', &buf[..n]) {
            let line = pos + nl as u64 + 1;
            if line >= chunk.end {
                return Ok(None);
            }
            buf.copy_within(nl + 1..n, 0);
            return Ok(Some((line, n - nl - 1)));
        }
        pos += n as u64;
        if pos >= chunk.end {
            return Ok(None);
        }
    }
}

/// Splits a block into its lines (without their `\n`), each with its offset
/// in the block and whether it fits in [`MAX_LINE_BYTES`] (a longer one is
/// counted and dropped, not read).
pub(crate) fn for_each_line(block: &[u8], mut each: impl FnMut(usize, &[u8], bool)) {
    let mut start = 0;
    while start < block.len() {
        let (line, next) = match memchr(b'\n', &block[start..]) {
            Some(n) => (&block[start..start + n], start + n + 1),
            None => (&block[start..], block.len()),
        };
        // The limit counts the `\n`, as the line reader does.
        each(start, line, next - start <= MAX_LINE_BYTES);
        start = next;
    }
}

/// Reads at `offset` without moving a shared cursor, so threads can read
/// one open file at once; retried when a signal interrupts it.
pub(crate) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        #[cfg(unix)]
        let read = std::os::unix::fs::FileExt::read_at(file, buf, offset);
        #[cfg(windows)]
        let read = std::os::windows::fs::FileExt::seek_read(file, buf, offset);
        match read {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

//! Reading a log location on every core: its files are cut into chunks
//! ([`chunks`](super::chunks)), threads read and summarise chunks on their
//! own, and the calling thread merges the summaries in log order (file
//! order, then offset). Each query's merge is written so that the result is
//! the one reading the lines in order gives, byte for byte; only the time
//! differs.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use super::chunks::{self, Block, Chunk, read_chunk};
use super::reader::{in_file, open_files};

/// How a location is read: threads, chunk and block sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Threads reading chunks (1: the calling thread reads them all).
    pub(crate) threads: usize,
    /// About how many bytes of a file one chunk is.
    pub(crate) chunk: u64,
    /// The read buffer of a chunk (a longer line grows it).
    pub(crate) buf: usize,
}

/// The environment variable that sets how many threads read the logs
/// (default: the cores this process may use).
pub(crate) const THREADS_ENV: &str = "TOOLTRAIL_READ_THREADS";

/// The smallest chunk: below it a thread's start-up and the merge cost more
/// than they save.
const MIN_CHUNK: u64 = 16 << 20;
/// Logs smaller than this (read in a tenth of a second) are read on one
/// thread, in one chunk: in the memory the line reader took (no part
/// summaries beside the whole), which small hosts and tests count on.
const ONE_THREAD_BELOW: u64 = 64 << 20;
/// Chunks per thread: enough that a slow thread (a busy core) holds back
/// little, few enough that the per-chunk summaries stay cheap to merge.
const CHUNKS_PER_THREAD: u64 = 8;
/// The read buffer: big enough that a read's cost is its copy (and for
/// small logs no bigger than the line reader's, for their memory).
const BUF: usize = 256 << 10;
const SMALL_BUF: usize = 64 << 10;

/// The threads to use: [`THREADS_ENV`], else the cores this process may use.
pub(crate) fn threads() -> usize {
    std::env::var(THREADS_ENV)
        .ok()
        .and_then(|t| t.trim().parse::<usize>().ok())
        .filter(|&t| t > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

impl Plan {
    /// The plan for logs of `total` bytes on this machine.
    pub(crate) fn for_bytes(total: u64) -> Plan {
        let cores = threads();
        let chunk = match total < ONE_THREAD_BELOW {
            true => ONE_THREAD_BELOW,
            false => (total / (cores as u64 * CHUNKS_PER_THREAD)).clamp(MIN_CHUNK, 16 * MIN_CHUNK),
        };
        let chunks = total.div_ceil(chunk).max(1);
        Plan {
            threads: cores.min(usize::try_from(chunks).unwrap_or(usize::MAX)),
            chunk,
            buf: if total < ONE_THREAD_BELOW {
                SMALL_BUF
            } else {
                BUF
            },
        }
    }
}

impl Plan {
    /// This plan with chunks of at most `bytes`: for parts that hold events
    /// or lines, so that what waits for the merge stays small.
    pub(crate) fn with_chunks_of_at_most(mut self, bytes: u64) -> Plan {
        self.chunk = self.chunk.min(bytes);
        self
    }
}

/// What a query does with the chunks: an empty summary, and a block of
/// lines taken into one.
pub(crate) trait Work: Sync {
    /// One chunk's summary.
    type Part: Send;
    /// An empty summary; `first` for the first chunk of the logs (nothing
    /// comes before it, which some summaries use to keep less).
    fn part(&self, first: bool) -> Self::Part;
    /// Takes the lines of `block` into `part`.
    fn block(&self, part: &mut Self::Part, block: Block<'_>);
}

/// The files of a log location, opened (so a rotation while they are read
/// cannot skip or repeat lines), with their sizes then.
pub(crate) struct Logs {
    root: PathBuf,
    files: Vec<(PathBuf, File)>,
    sizes: Vec<u64>,
}

impl Logs {
    /// Opens every file at `path`, as [`EventReader::open`](super::EventReader::open) does.
    pub(crate) fn open(path: &Path) -> io::Result<Logs> {
        let files = open_files(path)?;
        let sizes = files
            .iter()
            .map(|(p, f)| {
                f.metadata()
                    .map(|m| m.len())
                    .map_err(|e| in_file(path, p, e))
            })
            .collect::<io::Result<_>>()?;
        Ok(Logs {
            root: path.to_path_buf(),
            files,
            sizes,
        })
    }

    /// Their bytes, all files.
    pub(crate) fn bytes(&self) -> u64 {
        self.sizes.iter().sum()
    }

    /// Each file, oldest first: its path, the open file and its size (as
    /// opened: what every reading of this `Logs` sees).
    pub(crate) fn files(&self) -> impl Iterator<Item = (&Path, &File, u64)> {
        self.files
            .iter()
            .zip(&self.sizes)
            .map(|((p, f), n)| (p.as_path(), f, *n))
    }

    /// The `i`th file alone, to read in chunks like a whole `Logs`.
    pub(crate) fn only(&self, i: usize) -> io::Result<Logs> {
        let (path, file) = &self.files[i];
        Ok(Logs {
            root: self.root.clone(),
            files: vec![(path.clone(), file.try_clone()?)],
            sizes: vec![self.sizes[i]],
        })
    }

    /// Reads `len` bytes at `offset` of file `i`, whole (an error names the file).
    pub(crate) fn read_range(&self, i: usize, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let (path, file) = &self.files[i];
        let mut buf = vec![0; len];
        let mut done = 0;
        while done < len {
            match chunks::read_at(file, &mut buf[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) => return Err(in_file(&self.root, path, e)),
            }
        }
        buf.truncate(done);
        Ok(buf)
    }

    /// Reads every chunk with `work` and hands the summaries to `merge` in
    /// log order. The first chunk (in log order) that cannot be read is the
    /// error, naming its file, and nothing after it is merged: as with the
    /// line reader, whose stream stops at the first error.
    pub(crate) fn read<W: Work>(
        &self,
        plan: &Plan,
        work: &W,
        mut merge: impl FnMut(W::Part),
    ) -> io::Result<()> {
        let chunks = chunks::plan(&self.sizes, plan.chunk);
        let one = |c: &Chunk| -> io::Result<W::Part> {
            let mut part = work.part(std::ptr::eq(c, &chunks[0]));
            let (path, file) = &self.files[c.file];
            read_chunk(file, c, plan.buf, &mut |b| work.block(&mut part, b))
                .map_err(|e| in_file(&self.root, path, e))?;
            Ok(part)
        };
        if plan.threads <= 1 || chunks.len() <= 1 {
            for c in &chunks {
                merge(one(c)?);
            }
            return Ok(());
        }
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        // Threads run at most `window` chunks ahead of the merge, so the
        // summaries waiting for it stay few (memory) whatever the order.
        let merged = (Mutex::new(0usize), Condvar::new());
        let window = plan.threads * 2;
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel::<(usize, io::Result<W::Part>)>();
            for _ in 0..plan.threads {
                let tx = tx.clone();
                let (next, failed, merged, chunks) = (&next, &failed, &merged, &chunks);
                s.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= chunks.len() || failed.load(Ordering::Relaxed) {
                            return;
                        }
                        let (lock, ready) = merged;
                        let mut done = lock.lock().expect("no panic holds it");
                        while i >= *done + window && !failed.load(Ordering::Relaxed) {
                            done = ready.wait(done).expect("no panic holds it");
                        }
                        drop(done);
                        if failed.load(Ordering::Relaxed) {
                            return;
                        }
                        if tx.send((i, one(&chunks[i]))).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let mut waiting = BTreeMap::new();
            let mut want = 0;
            let mut error = None;
            for (i, part) in rx {
                waiting.insert(i, part);
                while let Some(part) = waiting.remove(&want) {
                    match part {
                        Ok(part) if error.is_none() => merge(part),
                        Ok(_) => {}
                        Err(e) => {
                            error.get_or_insert(e);
                            failed.store(true, Ordering::Relaxed);
                        }
                    }
                    want += 1;
                    let (lock, ready) = &merged;
                    *lock.lock().expect("no panic holds it") = want;
                    ready.notify_all();
                }
                if error.is_some() {
                    // Wake threads waiting on the window, so they see `failed`.
                    merged.1.notify_all();
                }
            }
            error.map_or(Ok(()), Err)
        })
    }
}

//! JSONL files in a directory, rotated by size, shared safely by processes.
//!
//! Every batch is one `write(2)` on an `O_APPEND` descriptor made while holding
//! an exclusive `flock` on `.tooltrail.lock` in the same directory. The lock
//! file is never rotated, so it serializes rotation across processes; before
//! writing, a process checks that its descriptor still names the active file
//! (another process may have rotated it) and reopens if not. Lines therefore
//! never interleave, whatever the number of writers.
//!
//! Beside each file, its run index (`run_index`): one record per batch,
//! appended under the same lock after the batch, rotated with the file.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::run_index::{self, index_path};
use super::sink::Sink;

/// Default directory: `./tooltrail-logs`.
pub const DEFAULT_DIR: &str = "tooltrail-logs";
/// Name of the active file; rotated files are `tooltrail.1.jsonl` (newest) …
pub const ACTIVE_FILE: &str = "tooltrail.jsonl";
const LOCK_FILE: &str = ".tooltrail.lock";

/// Settings of the directory sink.
#[derive(Debug, Clone)]
pub struct DirSinkConfig {
    /// The directory (created 0700 if missing).
    pub dir: PathBuf,
    /// Rotate once the active file reaches this size.
    pub max_file_bytes: u64,
    /// Files kept in all, the active one included (at least 1).
    pub max_files: usize,
    /// Keep a run index beside each file (`tooltrail.jsonl.idx`), so that
    /// `tooltrail show` reads only a run's batches (on by default; off, the
    /// directory holds only the logs).
    pub run_index: bool,
}

impl DirSinkConfig {
    /// Defaults: 64 MiB per file, 8 files, a run index beside each.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            max_file_bytes: 64 << 20,
            max_files: 8,
            run_index: true,
        }
    }
}

/// The directory sink (see the module docs).
#[derive(Debug)]
pub struct DirSink {
    config: DirSinkConfig,
    active: PathBuf,
    file: File,
    lock: File,
    /// With `run_index`: this process's batches not yet in the index.
    pending: Option<run_index::Segment>,
}

/// Opens (creating 0600) a file of ours. `O_NOFOLLOW`: a symlink planted at
/// the path is refused, never followed to append our events to its target.
///
/// A file that already exists with a wider mode (`create 0644` in a
/// logrotate rule, an old version's file) is narrowed to 0600, and the
/// change said on stderr: it may hold redacted arguments (the incident
/// window), which are for the owner's eyes. If it cannot be narrowed (not
/// ours), that is said instead and the file is still used.
fn open_private(path: &Path, append: bool) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(append)
        .write(!append)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    let mode = file.metadata()?.mode() & 0o777;
    if mode & 0o077 != 0 {
        match file.set_permissions(fs::Permissions::from_mode(0o600)) {
            Ok(()) => eprintln!(
                "tooltrail: warning: {} was readable or writable by others (mode {mode:o}); set to 0600 (the log may hold redacted arguments)",
                path.display()
            ),
            Err(e) => eprintln!(
                "tooltrail: warning: {} is readable or writable by others (mode {mode:o}) and could not be set to 0600: {e}",
                path.display()
            ),
        }
    }
    Ok(file)
}

/// Creates the directory (0700) if it is missing; warns once when an
/// existing one is writable by group or others (they could swap our files).
fn ensure_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| annotate(dir, e))?;
    if let Ok(meta) = fs::metadata(dir)
        && meta.mode() & 0o022 != 0
    {
        eprintln!(
            "tooltrail: warning: log directory {} is writable by group or others (mode {:o}); use 0700",
            dir.display(),
            meta.mode() & 0o777
        );
    }
    Ok(())
}

/// Opens the active file for appending; if a crash left a partial last line
/// (looked for only when `mend`: under the lock), starts on a fresh line so
/// the next event is not glued onto it.
fn open_active(path: &Path, mend: bool) -> io::Result<File> {
    let mut file = open_private(path, true)?;
    let len = file.metadata()?.len();
    if mend && len > 0 {
        use std::io::{Read, Seek, SeekFrom};
        let mut last = [0u8; 1];
        let mut reader = File::open(path)?;
        reader.seek(SeekFrom::Start(len - 1))?;
        reader.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
    }
    Ok(file)
}

fn annotate(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

impl DirSink {
    /// Creates the directory if needed and opens the active file; an
    /// unwritable location fails here, at construction.
    pub fn open(mut config: DirSinkConfig) -> io::Result<Self> {
        // Resolve now: a relative path must not follow later chdir()s (the
        // rotation check re-reads the path before every batch).
        config.dir = std::path::absolute(&config.dir).map_err(|e| annotate(&config.dir, e))?;
        ensure_dir(&config.dir)?;
        let active = config.dir.join(ACTIVE_FILE);
        let lock_path = config.dir.join(LOCK_FILE);
        let lock = open_private(&lock_path, false).map_err(|e| annotate(&lock_path, e))?;
        // The last line is looked at only under the lock: another process's
        // batch may be half copied into the file (its last byte not yet
        // `\n`), and a `\n` of ours would land after that batch, an empty
        // line. Not waited for: while another process holds the lock it is
        // writing whole lines (it ended any torn one when it opened), and a
        // stalled holder must not hang this constructor.
        let file = match lock.try_lock() {
            Ok(()) => {
                let file = open_active(&active, true);
                lock.unlock().map_err(|e| annotate(&lock_path, e))?;
                file
            }
            Err(std::fs::TryLockError::WouldBlock) => open_active(&active, false),
            Err(std::fs::TryLockError::Error(e)) => return Err(annotate(&lock_path, e)),
        }
        .map_err(|e| annotate(&active, e))?;
        Ok(Self {
            config,
            active,
            file,
            lock,
            pending: None,
        })
    }

    /// The path of rotated file `n` (1 = newest).
    pub fn rotated_path(dir: &Path, n: usize) -> PathBuf {
        dir.join(format!("tooltrail.{n}.jsonl"))
    }

    fn reopen_if_rotated(&mut self) -> io::Result<()> {
        let current = self.file.metadata()?;
        let moved = match fs::metadata(&self.active) {
            Ok(on_disk) => on_disk.ino() != current.ino() || on_disk.dev() != current.dev(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => return Err(e),
        };
        if moved {
            // Another process rotated the file: its pending batches are
            // left to the reader's scan of what no record covers.
            self.pending = None;
            // The directory itself may have been removed (a cleanup job):
            // recreate it rather than lose every later event. The lock file
            // went with it; take a new one (the caller's lock guards nothing
            // once its file is unlinked).
            if !self.config.dir.is_dir() {
                ensure_dir(&self.config.dir)?;
                self.lock = open_private(&self.config.dir.join(LOCK_FILE), false)?;
                self.lock.lock()?;
            }
            self.file = open_active(&self.active, true)?;
        }
        Ok(())
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.record_pending();
        let dir = &self.config.dir;
        let keep = self.config.max_files.max(1);
        // A file's index moves (or goes) with it, before it: an index
        // left behind would describe the next file of that name.
        let idx = |p: &Path| index_path(p);
        if keep == 1 {
            let _ = fs::remove_file(idx(&self.active));
            fs::remove_file(&self.active)?;
        } else {
            let _ = fs::remove_file(idx(&Self::rotated_path(dir, keep - 1)));
            let _ = fs::remove_file(Self::rotated_path(dir, keep - 1));
            for n in (1..keep - 1).rev() {
                let from = Self::rotated_path(dir, n);
                if from.exists() {
                    let _ = fs::rename(idx(&from), idx(&Self::rotated_path(dir, n + 1)));
                    fs::rename(&from, Self::rotated_path(dir, n + 1))?;
                }
            }
            let _ = fs::rename(idx(&self.active), idx(&Self::rotated_path(dir, 1)));
            fs::rename(&self.active, Self::rotated_path(dir, 1))?;
        }
        // A stale index of the new active file's name (a crash between the
        // renames) must not describe it.
        let _ = fs::remove_file(idx(&self.active));
        self.file = open_private(&self.active, true)?;
        Ok(())
    }

    fn write_locked(&mut self, batch: &[u8]) -> io::Result<()> {
        self.reopen_if_rotated()?;
        let before = self.file.metadata()?.len();
        if let Err(e) = self.file.write_all(batch) {
            // A partial write (ENOSPC mid-batch) would leave half a line that
            // the next batch glues onto; cut the file back to whole lines.
            let _ = self.file.set_len(before);
            return Err(e);
        }
        if self.config.run_index {
            match &mut self.pending {
                Some(seg) if seg.end() == before => seg.add(batch),
                _ => {
                    self.record_pending();
                    self.pending = Some(run_index::Segment::new(before, batch));
                }
            }
            if self
                .pending
                .as_ref()
                .is_some_and(|s| s.len() >= run_index::SEGMENT_BYTES)
            {
                self.record_pending();
            }
        }
        if before + batch.len() as u64 >= self.config.max_file_bytes {
            self.rotate()?;
        }
        Ok(())
    }

    /// Appends the pending segment's run-index record (call with the lock
    /// held). A failure loses only the speed-up: the reader scans what no
    /// record covers.
    fn record_pending(&mut self) {
        let Some(segment) = self.pending.take() else {
            return;
        };
        // O_NONBLOCK: a FIFO planted at the index's name must not hang the
        // writer; anything but a regular file is left alone.
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(index_path(&self.active));
        if let Ok(mut f) = file
            && f.metadata().is_ok_and(|m| m.is_file())
        {
            let _ = f.write_all(&segment.record());
        }
    }
}

impl Drop for DirSink {
    fn drop(&mut self) {
        let _ = Sink::flush(self);
    }
}

impl Sink for DirSink {
    fn write_batch(&mut self, batch: &[u8]) -> io::Result<()> {
        self.lock.lock()?;
        let result = self.write_locked(batch);
        let unlocked = self.lock.unlock();
        result.and(unlocked)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_some() {
            self.lock.lock()?;
            // Only if the file is still the active one: after a rotation by
            // another process the segment describes a renamed file.
            let result = self.reopen_if_rotated();
            self.record_pending();
            let unlocked = self.lock.unlock();
            return result.and(unlocked);
        }
        Ok(())
    }

    fn describe(&self) -> String {
        self.active.display().to_string()
    }
}

//! The directory sink against a hostile or changing file system: a planted
//! symlink, the directory removed while running, a partial last line left by
//! a crash (issue 13, items 3, 5 and 17), another process's batch half
//! written when a sink opens.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use tooltrail_core::writer::{ACTIVE_FILE, DirSink, DirSinkConfig, Sink};

/// A `logs` directory in `tmp`, private (0700) as a sink makes its own.
fn private_logs(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = tmp.path().join("logs");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

#[test]
fn a_symlink_planted_at_the_active_file_is_refused_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = private_logs(&tmp);
    let target = tmp.path().join("victim.txt");
    fs::write(&target, "precious\n").unwrap();
    std::os::unix::fs::symlink(&target, dir.join(ACTIVE_FILE)).unwrap();
    let err = DirSink::open(DirSinkConfig::new(&dir)).unwrap_err();
    assert!(err.to_string().contains(ACTIVE_FILE), "{err}");
    assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");
}

#[test]
fn a_removed_directory_is_recreated_private_and_writing_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    let mut sink = DirSink::open(DirSinkConfig::new(&dir)).unwrap();
    sink.write_batch(b"{\"a\":1}\n").unwrap();
    fs::remove_dir_all(&dir).unwrap();
    sink.write_batch(b"{\"a\":2}\n").unwrap();
    sink.write_batch(b"{\"a\":3}\n").unwrap();
    assert_eq!(
        fs::read_to_string(dir.join(ACTIVE_FILE)).unwrap(),
        "{\"a\":2}\n{\"a\":3}\n"
    );
    let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn a_partial_last_line_from_a_crash_is_not_glued_to_the_next_event() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join(ACTIVE_FILE), "{\"whole\":1}\n{\"cut\":").unwrap();
    let mut sink = DirSink::open(DirSinkConfig::new(&dir)).unwrap();
    sink.write_batch(b"{\"next\":2}\n").unwrap();
    let text = fs::read_to_string(dir.join(ACTIVE_FILE)).unwrap();
    assert_eq!(text, "{\"whole\":1}\n{\"cut\":\n{\"next\":2}\n");
    // Whole files stay as they are.
    drop(sink);
    let mut again = DirSink::open(DirSinkConfig::new(&dir)).unwrap();
    again.write_batch(b"{\"last\":3}\n").unwrap();
    assert!(
        fs::read_to_string(dir.join(ACTIVE_FILE))
            .unwrap()
            .ends_with("{\"next\":2}\n{\"last\":3}\n")
    );
}

/// A pre-existing 0644 active file (logrotate's `create 0644`) is narrowed
/// to 0600 before anything is appended, at open and when the writer
/// follows a rotation to a new file; the rotated file keeps 0600. Before,
/// redacted arguments went into the 0644 file with no word.
#[test]
fn a_world_readable_log_file_is_made_private_before_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = private_logs(&tmp);
    let active = dir.join(ACTIVE_FILE);
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    fs::write(&active, "").unwrap();
    fs::set_permissions(&active, fs::Permissions::from_mode(0o644)).unwrap();
    let mut sink = DirSink::open(DirSinkConfig::new(&dir)).unwrap();
    assert_eq!(mode(&active), 0o600);
    sink.write_batch(b"{\"a\":1}\n").unwrap();
    // logrotate: move the file away, create a fresh 0644 one.
    let moved = dir.join("tooltrail.jsonl.1");
    fs::rename(&active, &moved).unwrap();
    fs::write(&active, "").unwrap();
    fs::set_permissions(&active, fs::Permissions::from_mode(0o644)).unwrap();
    sink.write_batch(b"{\"a\":2}\n").unwrap();
    assert_eq!(mode(&active), 0o600);
    assert_eq!(mode(&moved), 0o600);
    assert_eq!(fs::read_to_string(&active).unwrap(), "{\"a\":2}\n");
}

/// A sink opened while another process holds the lock mid-batch (its line
/// not yet ended) leaves the file's last line alone: it looks for a torn
/// line only under the lock, and does not wait for it (a stalled holder
/// must not hang a constructor). Before, it saw the half-written line as
/// torn and appended a `\n` after that batch: an empty line in the log,
/// counted as malformed by readers (seen with four forked writers opening
/// at once).
#[test]
fn a_batch_half_written_by_another_process_is_not_taken_for_a_torn_line() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let dir = private_logs(&tmp);
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".tooltrail.lock"))
        .unwrap();
    lock.lock().unwrap();
    let active = dir.join(ACTIVE_FILE);
    let mut other = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&active)
        .unwrap();
    other.write_all(b"{\"whole\":1}\n{\"half\":").unwrap();
    // Opened while the other holds the lock: no wait, no `\n`.
    let mut sink = DirSink::open(DirSinkConfig::new(&dir)).unwrap();
    other.write_all(b"2}\n").unwrap();
    lock.unlock().unwrap();
    sink.write_batch(b"{\"next\":3}\n").unwrap();
    assert_eq!(
        fs::read_to_string(&active).unwrap(),
        "{\"whole\":1}\n{\"half\":2}\n{\"next\":3}\n"
    );
}

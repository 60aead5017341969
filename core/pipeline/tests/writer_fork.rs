//! A writer survives `fork()`: the child restarts its own worker (never
//! touching the parent's thread handle) and both processes' events arrive.

use std::time::Duration;

use tooltrail_core::EventWriter;
use tooltrail_core::writer::{DirSinkConfig, SinkSpec, WriterConfig};
use tooltrail_json::{Value, parse_json};

#[test]
fn parent_and_child_events_all_arrive_after_fork() {
    let dir = tempfile::tempdir().unwrap();
    let writer = EventWriter::new(WriterConfig {
        sink: SinkSpec::Dir(DirSinkConfig::new(dir.path())),
        ..WriterConfig::default()
    })
    .unwrap();
    let tag = |who: &str, i: usize| {
        Value::object([("who", Value::from(who)), ("i", Value::Number(i as f64))])
    };
    for i in 0..100 {
        writer.event("e", &tag("parent", i)).unwrap();
    }
    assert!(writer.flush(Duration::from_secs(10)));
    // SAFETY: the child only uses the writer (fork-aware) and then _exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let mut ok = true;
        for i in 0..1000 {
            ok &= writer.event("e", &tag("child", i)).unwrap_or(false);
        }
        ok &= writer.close(Duration::from_secs(10));
        ok &= writer.stats().written == 1000;
        // SAFETY: _exit ends the child without running the parent's atexit work.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    for i in 100..200 {
        writer.event("e", &tag("parent", i)).unwrap();
    }
    let mut status = 0;
    // SAFETY: waits for our own child into a local.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed"
    );
    assert!(writer.close(Duration::from_secs(10)));
    let text = std::fs::read_to_string(dir.path().join("tooltrail.jsonl")).unwrap();
    let (mut parent, mut child) = (0, 0);
    for line in text.lines() {
        let v = parse_json(line.as_bytes()).expect("whole line");
        match v.get("who") {
            Some(Value::String(s)) if s == "parent" => parent += 1,
            Some(Value::String(s)) if s == "child" => child += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((parent, child), (200, 1000));
}

/// A gateway made before `fork()` gives the child its own random ids: the
/// child used to draw from the buffer of OS randomness it inherited, so its
/// span ids repeated the parent's next ones.
#[test]
fn a_forked_child_draws_other_span_ids_than_its_parent() {
    use std::io::{Read, Write};
    use std::os::fd::FromRawFd;
    use tooltrail_core::{Config, Gateway, RunCtx};

    let gw = Gateway::new(Config::default(), ["t".to_owned()], None, None);
    let ctx = RunCtx {
        run_id: Some("r".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("q".into()),
        ..RunCtx::default()
    };
    let span = |gw: &Gateway| {
        let args = tooltrail_core::gateway::CallArgs::json("{}").unwrap();
        let (handle, _) = gw.begin(&ctx, "t", args).unwrap();
        handle.span_id().to_owned()
    };
    span(&gw); // the parent has drawn: its buffer is full
    let mut fds = [0; 2];
    // SAFETY: pipe fills the two descriptors of a local array.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: the child draws ids, writes them to the pipe and _exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        // SAFETY: the pipe's write end, owned by this File alone.
        let mut out = unsafe { std::fs::File::from_raw_fd(fds[1]) };
        let ids: String = (0..4).map(|_| span(&gw) + "\n").collect();
        let ok = out.write_all(ids.as_bytes()).is_ok();
        // SAFETY: _exit ends the child without running the parent's atexit work.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    // SAFETY: the parent's copy of the write end, closed once.
    unsafe { libc::close(fds[1]) };
    let mut text = String::new();
    // SAFETY: the pipe's read end, owned by this File alone.
    unsafe { std::fs::File::from_raw_fd(fds[0]) }
        .read_to_string(&mut text)
        .unwrap();
    let mut status = 0;
    // SAFETY: waits for our own child into a local.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    let child: Vec<&str> = text.lines().collect();
    let parent: Vec<String> = (0..4).map(|_| span(&gw)).collect();
    assert_eq!(child.len(), 4);
    assert!(
        child.iter().all(|c| !parent.iter().any(|p| p == c)),
        "child {child:?} repeats parent {parent:?}"
    );
}

//! A forked worker that calls through a run its parent opened (a fork pool
//! under `with gw.run(...)`) gets a run of its own, linked to the parent's by
//! `parent_run_id`: before, it counted into its inherited copy of the
//! parent's run, so two processes wrote the same `seq` numbers, each spent
//! the whole budget, and the parent's `run_end` never saw the calls.

use std::io::{Read, Write};
use std::os::fd::FromRawFd;

use tooltrail_core::{Config, Gateway, RunCtx};
use tooltrail_json::{Value, parse_json};

fn lines(events: impl IntoIterator<Item = tooltrail_core::Event>) -> String {
    events
        .into_iter()
        .map(|e| String::from_utf8(e.into_line()).unwrap())
        .collect()
}

#[test]
fn a_forked_child_calls_under_its_own_run_linked_to_the_parents() {
    let config = Config::from_yaml("budgets:\n  max_tool_calls: 3\n").unwrap();
    let gw = Gateway::new(config, ["t".to_owned()], None, None);
    let ids = RunCtx {
        request_id: Some("q".into()),
        ..RunCtx::default()
    };
    let (run, _) = gw.start_run(&ids).unwrap();
    let parent_run = run.run_id.clone().unwrap();
    let call = |gw: &Gateway| {
        let args = tooltrail_core::gateway::CallArgs::json("{}").unwrap();
        match gw.begin(&run, "t", args) {
            Ok((_, events)) => lines(events),
            Err((_, events)) => lines(events),
        }
    };
    let parent_first = call(&gw);
    let mut fds = [0; 2];
    // SAFETY: pipe fills the two descriptors of a local array.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: the child calls the gateway, writes the lines and _exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        // SAFETY: the pipe's write end, owned by this File alone.
        let mut out = unsafe { std::fs::File::from_raw_fd(fds[1]) };
        let text: String = (0..4).map(|_| call(&gw)).collect();
        let ok = out.write_all(text.as_bytes()).is_ok();
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

    let child: Vec<Value> = text
        .lines()
        .map(|l| parse_json(l.as_bytes()).unwrap())
        .collect();
    let s = |v: &Value, k: &str| match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        other => panic!("{k}: {other:?}"),
    };
    let names: Vec<String> = child.iter().map(|e| s(e, "event")).collect();
    assert_eq!(
        names,
        [
            "run_start",
            "tool_call",
            "tool_call",
            "tool_call",
            "tool_call"
        ]
    );
    let child_run = s(&child[0], "run_id");
    assert_ne!(child_run, parent_run);
    assert_eq!(s(&child[0], "parent_run_id"), parent_run);
    assert_eq!(s(&child[0], "trace_id"), run.trace_id.clone().unwrap());
    // Its own run: seq from 1, its own budget (max 3: the fourth is refused).
    let seqs: Vec<&Value> = child[1..].iter().map(|e| e.get("seq").unwrap()).collect();
    assert_eq!(
        seqs,
        [
            &Value::Number(1.0),
            &Value::Number(2.0),
            &Value::Number(3.0),
            &Value::Number(4.0)
        ]
    );
    assert!(child[1..].iter().all(|e| s(e, "run_id") == child_run));
    assert_eq!(child[4].get("decision"), Some(&Value::from("block")));
    // The parent's run is untouched by the child: its next call is seq 2.
    assert!(parent_first.contains("\"seq\":1"));
    assert!(call(&gw).contains(&format!("\"run_id\":\"{parent_run}\"")));
    let ended = lines(
        gw.end_run(&parent_run, tooltrail_core::gateway::RunExit::Normal)
            .unwrap(),
    );
    assert!(ended.contains("\"tool_calls\":2"), "{ended}");
}

"""Process-level exit safety of the Python EventWriter: a child process writes
10,000 events and ends in each ordinary way; every event must be on disk.

The child's writer lingers up to 1 s with batches of up to 100,000 events, so
when it ends most events are still queued in memory: only the exit hooks can
save them.
"""

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

N = 10_000

PRELUDE = """
import os, sys, time, tooltrail
w = tooltrail.EventWriter(path=sys.argv[1], flush_interval=1.0, batch_events=100_000)
def emit(n, who="main"):
    for i in range(n):
        w.event("e", {"who": who, "i": i})
"""


def lines_in(path: Path) -> list:
    out = []
    for f in sorted(path.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            out.append(json.loads(line))
    return out


def run_child(tmp_path: Path, body: str, **kw) -> subprocess.CompletedProcess:
    code = PRELUDE + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "logs")],
        capture_output=True, text=True, timeout=60, **kw,
    )


def _default_signals() -> None:
    # A suite started in the background by a non-interactive shell inherits
    # SIGINT ignored, and a child that starts with SIGINT ignored keeps it so
    # (Python installs KeyboardInterrupt only over the default): the child
    # starts as from a terminal, whoever launched the tests.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def spawn_until_ready(tmp_path: Path, body: str) -> subprocess.Popen:
    """Starts a child that prints "ready" once its events are queued."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(body), str(tmp_path / "logs")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_default_signals,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def assert_all_events(tmp_path: Path, who_counts: dict) -> None:
    events = [e for e in lines_in(tmp_path / "logs") if e["event"] == "e"]
    for who, n in who_counts.items():
        got = sorted(e["i"] for e in events if e["who"] == who)
        assert got == list(range(n)), f"{who}: {len(got)} of {n} events"
    assert len(events) == sum(who_counts.values())


def test_normal_end_without_close(tmp_path):
    r = run_child(tmp_path, "emit(N)\n".replace("N", str(N)))
    assert r.returncode == 0, r.stderr
    assert_all_events(tmp_path, {"main": N})


def test_sys_exit_keeps_the_exit_code(tmp_path):
    r = run_child(tmp_path, f"emit({N})\nsys.exit(3)\n")
    assert r.returncode == 3, r.stderr
    assert_all_events(tmp_path, {"main": N})


def test_uncaught_exception(tmp_path):
    r = run_child(tmp_path, f"emit({N})\nraise RuntimeError('boom')\n")
    assert r.returncode == 1 and "boom" in r.stderr
    assert_all_events(tmp_path, {"main": N})


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_without_an_app_handler(tmp_path, sig):
    body = f"""
    emit({N})
    print("ready", flush=True)
    time.sleep(30)
    """
    proc = spawn_until_ready(tmp_path, body)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    # The default disposition is kept: the process still dies of the signal.
    assert proc.returncode == -sig, err
    assert_all_events(tmp_path, {"main": N})


def test_an_app_handler_is_left_alone(tmp_path):
    body = f"""
    import signal
    def handler(signum, frame):
        print("app handler", flush=True)
        w.close(5.0)
        os._exit(7)
    signal.signal(signal.SIGTERM, handler)
    w2 = tooltrail.EventWriter(path=sys.argv[1] + "-2")  # must not replace the app's handler
    emit({N})
    print("ready", flush=True)
    time.sleep(30)
    """
    proc = spawn_until_ready(tmp_path, body)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 7 and "app handler" in out, err
    assert_all_events(tmp_path, {"main": N})


def test_os_fork_parent_and_child(tmp_path):
    body = f"""
    emit({N // 2}, "parent-before")
    pid = os.fork()
    if pid == 0:
        emit({N}, "child")
        sys.exit(0)          # atexit runs in the child
    emit({N // 2}, "parent-after")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    """
    r = run_child(tmp_path, body)
    assert r.returncode == 0, r.stderr
    assert_all_events(tmp_path, {"parent-before": N // 2, "parent-after": N // 2, "child": N})


def test_os_fork_child_ending_with_os_exit_after_flush(tmp_path):
    body = f"""
    pid = os.fork()
    if pid == 0:
        emit({N}, "child")
        ok = w.flush(10.0)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    emit(10, "parent")
    """
    r = run_child(tmp_path, body)
    assert r.returncode == 0, r.stderr
    assert_all_events(tmp_path, {"child": N, "parent": 10})


def test_multiprocessing_child(tmp_path):
    body = f"""
    import multiprocessing as mp
    def work():
        emit({N}, "mp-child")      # no close: the child ends through os._exit
    if __name__ == "__main__":
        ctx = mp.get_context("fork")
        p = ctx.Process(target=work)
        p.start(); p.join()
        assert p.exitcode == 0
        emit(10, "parent")
    """
    r = run_child(tmp_path, body)
    assert r.returncode == 0, r.stderr
    assert_all_events(tmp_path, {"mp-child": N, "parent": 10})


def test_threads_in_a_child_process(tmp_path):
    body = """
    import threading
    ts = [threading.Thread(target=emit, args=(2500, f"t{k}")) for k in range(4)]
    for t in ts: t.start()
    for t in ts: t.join()
    """
    r = run_child(tmp_path, body)
    assert r.returncode == 0, r.stderr
    assert_all_events(tmp_path, {f"t{k}": 2500 for k in range(4)})


def test_files_are_private(tmp_path):
    r = run_child(tmp_path, "emit(10)\n")
    assert r.returncode == 0, r.stderr
    for f in (tmp_path / "logs").glob("*.jsonl"):
        assert f.stat().st_mode & 0o777 == 0o600


def test_exit_handlers_in_either_order_keep_their_events(tmp_path):
    # An atexit handler registered before the writer runs after the writer's
    # exit hook closed it; before, its event was dropped as `closed` without
    # a trace. Now both orders reach the file (issue 13 item 2).
    code = textwrap.dedent("""
        import atexit, sys, tooltrail
        atexit.register(lambda: w.event("e", {"who": "early_handler", "i": 0}))
        w = tooltrail.EventWriter(path=sys.argv[1], flush_interval=1.0, batch_events=100_000)
        atexit.register(lambda: w.event("e", {"who": "late_handler", "i": 0}))
        for i in range(1000):
            w.event("e", {"who": "main", "i": i})
    """)
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "logs")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert_all_events(tmp_path, {"main": 1000, "early_handler": 1, "late_handler": 1})


@pytest.mark.parametrize("variant", ["pool", "pool_with", "process", "executor"])
def test_writers_made_in_multiprocessing_children_keep_every_event(tmp_path, variant):
    # The parent has no writer at fork time; each child makes one and keeps it
    # global (the usual Pool-worker pattern). Before, 45-100% of the children's
    # events were lost: the child's writer had no hook for os._exit (issue 13
    # item 1).
    code = textwrap.dedent("""
        import multiprocessing, sys, tooltrail
        from concurrent.futures import ProcessPoolExecutor
        D = sys.argv[1]
        W = None
        def work(k):
            global W
            if W is None:
                W = tooltrail.EventWriter(D, flush_interval=1.0, batch_events=100_000)
            for i in range(1000):
                W.event("e", {"who": f"k{k}", "i": i})
            return k
        if __name__ == "__main__":
            ctx = multiprocessing.get_context("fork")
            variant = sys.argv[2]
            if variant == "pool":
                p = ctx.Pool(2)
                p.map(work, range(4))
                p.close()
                p.join()
            elif variant == "pool_with":
                with ctx.Pool(2) as p:  # __exit__ terminates the workers (SIGTERM)
                    p.map(work, range(4))
            elif variant == "process":
                ps = [ctx.Process(target=work, args=(k,)) for k in range(4)]
                for p in ps:
                    p.start()
                for p in ps:
                    p.join()
            else:
                with ProcessPoolExecutor(2, mp_context=ctx) as ex:
                    list(ex.map(work, range(4)))
    """)
    script = tmp_path / "mp_children.py"
    script.write_text(code)
    r = subprocess.run([sys.executable, str(script), str(tmp_path / "logs"), variant],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert_all_events(tmp_path, {f"k{k}": 1000 for k in range(4)})


def test_sigterm_flushes_a_writer_first_made_in_another_thread(tmp_path):
    # The first writer is made in a worker thread, where Python cannot install
    # signal handlers; before, SIGTERM then lost the queued batch (issue 13
    # item 6). Importing tooltrail in the main thread installs them.
    code = textwrap.dedent(f"""
        import sys, threading, time, tooltrail
        def work():
            w = tooltrail.EventWriter(path=sys.argv[1], flush_interval=1.0, batch_events=100_000)
            for i in range({N}):
                w.event("e", {{"who": "thread", "i": i}})
            print("ready", flush=True)
        threading.Thread(target=work).start()
        time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "logs")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGTERM, err
    assert_all_events(tmp_path, {"thread": N})

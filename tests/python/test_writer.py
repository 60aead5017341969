"""In-process behaviour of the Python EventWriter."""

import json
import threading
import time

import pytest

import tooltrail


def read(path):
    return [json.loads(line) for f in sorted(path.glob("*.jsonl")) for line in f.read_text().splitlines()]


def test_event_flush_stats(tmp_path):
    w = tooltrail.EventWriter(tmp_path)
    assert w.event("tool_call", {"tool": "search", "seq": 1, "args_hash": None}) is True
    assert w.flush(5.0) is True
    (line,) = (tmp_path / "tooltrail.jsonl").read_text().splitlines()
    assert line.startswith('{"v":1,"ts":"')
    assert line.endswith('"event":"tool_call","tool":"search","seq":1,"args_hash":null}')
    st = w.stats()
    assert (st["accepted"], st["written"], st["dropped"]["queue_full"]) == (1, 1, 0)
    assert w.close() is True and w.close() is True and w.closed
    # After close, an event is written synchronously rather than lost.
    assert w.event("late", {}) is True
    assert w.stats()["dropped"]["closed"] == 0
    assert '"event":"late"' in (tmp_path / "tooltrail.jsonl").read_text().splitlines()[-1]


def test_ts_can_be_injected(tmp_path):
    with tooltrail.EventWriter(tmp_path) as w:
        w.event("e", {"ts": "2026-01-01T00:00:00.000000Z", "x": 1})
    assert read(tmp_path)[0]["ts"] == "2026-01-01T00:00:00.000000Z"


def test_bad_fields_raise_and_queue_nothing(tmp_path):
    w = tooltrail.EventWriter(tmp_path)
    with pytest.raises(tooltrail.CanonicalValueError) as info:
        w.event("e", {"x": float("nan")})
    assert info.value.path == "$.x"
    assert w.stats()["accepted"] == 0


def test_config_errors_name_the_key(tmp_path):
    for kwargs, key in [({"overflow": "sometimes"}, "overflow"), ({"flush_interval": 5}, "flush_interval"),
                        ({"sink": "s3"}, "sink"), ({"flush_interval": -1}, "flush_interval"),
                        ({"max_files": 0}, "max_files"),
                        # Beyond any sane size: a typed error, not a PanicException or an
                        # abort allocating the queue (both before).
                        ({"queue_events": 2**63}, "queue_events"), ({"queue_events": 10**9}, "queue_events"),
                        ({"batch_bytes": 2**60}, "batch_bytes"), ({"max_files": 2**40}, "max_files")]:
        with pytest.raises(tooltrail.ConfigError) as info:
            tooltrail.EventWriter(tmp_path, **kwargs)
        assert info.value.key == key and key in str(info.value)
        assert isinstance(info.value, ValueError)


def test_unwritable_path_is_an_oserror(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(tooltrail.WriterError) as info:
        tooltrail.EventWriter(blocker / "logs")
    assert isinstance(info.value, OSError) and str(blocker) in str(info.value)


def test_threads_keep_order_and_lose_nothing(tmp_path):
    w = tooltrail.EventWriter(tmp_path, overflow="block", block_timeout=30)
    def produce(t):
        for i in range(5000):
            w.event("e", {"t": t, "i": i})
    threads = [threading.Thread(target=produce, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert w.close(30)
    seen = {}
    for e in read(tmp_path):
        assert e["i"] == seen.get(e["t"], 0)
        seen[e["t"]] = e["i"] + 1
    assert seen == {t: 5000 for t in range(8)}


def test_stdout_sink(capfd):
    w = tooltrail.EventWriter(sink="stdout")
    w.event("hello", {"n": 1})
    assert w.close()
    out = capfd.readouterr().out
    assert '"event":"hello","n":1}' in out


def test_a_stalled_stdout_pipe_drops_instead_of_blocking(tmp_path):
    """A real stall: the child's stdout is a pipe nobody reads."""
    import subprocess
    import sys
    import time
    code = """
import time, tooltrail
w = tooltrail.EventWriter(sink="stdout", queue_events=1000, batch_events=100)
t = time.monotonic()
for i in range(200_000):
    w.event("e", {"i": i, "pad": "x" * 100})
elapsed = time.monotonic() - t
st = w.stats()
import sys
sys.stderr.write(f"{elapsed} {st['accepted']} {st['dropped']['queue_full']}\\n")
sys.stderr.flush()
import os; os._exit(0)
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    err = b""
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    err = proc.stderr.read().decode()
    proc.stdout.close()
    assert proc.returncode == 0, err
    _, accepted, dropped = err.split()
    assert int(accepted) + int(dropped) == 200_000
    assert int(dropped) > 150_000  # the pipe holds 64 KiB; the rest was dropped, not waited for


def test_disk_full_is_reported_once_and_survived(tmp_path):
    """A real ENOSPC: the active file is a /dev/full device node (the writer
    refuses symlinks; mknod needs CAP_MKNOD, as test-all.sh run as root has)."""
    import os
    import stat
    import subprocess
    import sys
    logs = tmp_path / "logs"
    logs.mkdir()
    os.mknod(logs / "tooltrail.jsonl", stat.S_IFCHR | 0o600, os.makedev(1, 7))
    code = """
import sys, tooltrail
w = tooltrail.EventWriter(sys.argv[1])
for batch in range(3):
    for i in range(10):
        w.event("e", {"i": i})
    print(w.flush(5.0))
st = w.stats()
print(st["dropped"]["sink_error"], st["write_errors"] >= 3)
"""
    r = subprocess.run([sys.executable, "-c", code, str(logs)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "False", "False", "30", "True"]
    reports = [line for line in r.stderr.splitlines() if line.startswith("tooltrail: cannot write events")]
    assert len(reports) == 1, r.stderr
    # Reported at the first failed batch (10 dropped), not again at 20 or 30. The count is
    # read from its own words: the path before it holds pytest's directory number, and
    # "30" in ".../pytest-130/..." failed the earlier check whenever that number had a 30.
    assert "No space left on device" in reports[0], reports[0]
    assert "(10 events dropped so far;" in reports[0], reports[0]


@pytest.mark.parametrize("holder", ["writer", "gateway"])
def test_dropping_a_writer_on_a_stalled_sink_releases_the_gil(tmp_path, holder):
    # The last handle's drop waits up to close_timeout for the worker; before,
    # it waited holding the GIL, freezing every other Python thread (issue 13
    # item 10). A stalled sink: another descriptor holds the directory's lock.
    import fcntl
    import gc
    import threading

    logs = tmp_path / "logs"
    w = tooltrail.EventWriter(logs, close_timeout=2.0)
    gw = tooltrail.ToolGateway(impls={"t": lambda: 1}, logger=w) if holder == "gateway" else None
    lock = open(logs / ".tooltrail.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        for i in range(10):
            w.event("e", {"i": i})
        handles = [w, gw]
        del w, gw

        def drop():
            handles.clear()
            gc.collect()

        t = threading.Thread(target=drop)
        started = time.monotonic()
        last, longest = started, 0.0
        t.start()
        while t.is_alive():
            now = time.monotonic()
            longest, last = max(longest, now - last), now
        t.join()
        # The drop waited (the sink is stalled) ...
        assert last - started > 1.0
        # ... and this thread kept running meanwhile: with the GIL held it
        # stood still for the whole wait. Compared with the wait, not with a
        # fixed time: on a loaded machine a thread may be off the CPU for
        # over a second, but not for most of the wait.
        assert longest < 0.6 * (last - started), (longest, last - started)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


@pytest.mark.parametrize("method", ["flush", "close"])
def test_waiting_on_a_stalled_sink_releases_the_gil(tmp_path, method):
    # flush()/close() wait for the worker; while they do, other threads run
    # Python (issue 13 item 10, the Python half). Causality, no clock: this
    # thread sees the waiting thread *inside* the call (its frame on the
    # call's line, no result yet), which it could not with the GIL held
    # there; only then is the sink released, and the wait answers True.
    import fcntl
    import sys

    logs = tmp_path / "logs"
    w = tooltrail.EventWriter(logs)
    lock = open(logs / ".tooltrail.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    result = []
    wait = getattr(w, method)
    calling = threading.Event()

    def waiter():
        calling.set()
        result.append(wait(60.0))  # the line the other thread looks for

    try:
        w.event("e", {"i": 0})
        t = threading.Thread(target=waiter)
        t.start()
        calling.wait()
        line = waiter.__code__.co_firstlineno + 2
        while not result:
            frame = sys._current_frames().get(t.ident)
            if frame is not None and frame.f_code is waiter.__code__ and frame.f_lineno == line:
                break
        assert result == [], "the wait returned before the sink was released"
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    t.join()
    assert result == [True]
    assert [e["i"] for e in read(logs)] == [0]

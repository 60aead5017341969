"""Type test (twin of tests/node/types.test-d.ts): checked by mypy, never run.

The correct usages must type-check; each wrong usage carries
`# type: ignore[<code>]`, and with `warn_unused_ignores` (pyproject.toml) an
ignore mypy no longer needs fails the check: a rejection that got lost is an
error, like `@ts-expect-error`. Run by scripts/lint.sh and test_typing.py.
"""

from typing import Any, Optional

import tooltrail
from tooltrail import (
    BudgetExceededError,
    CanonicalError,
    ErrorCode,
    ErrorKind,
    EventWriter,
    Logs,
    RunCtx,
    RunSummary,
    StatsReport,
    StopReason,
    ToolGateway,
    TooltrailError,
    WriterStats,
    canonical_json,
    stable_hash,
    stable_hash_json,
)


def check_canonical() -> None:
    h: str = stable_hash({"a": 1}, key="secret")
    h2: str = stable_hash_json('{"a":1}', key=b"secret")
    h3: str = stable_hash_json(b"[1]")
    c: str = canonical_json([1, "x", None])
    kinds: tuple[ErrorKind, ...] = tooltrail.ERROR_KINDS
    v: str = tooltrail.__version__
    stable_hash({}, key=42)  # type: ignore[arg-type]  # a key is str or bytes
    stable_hash_json({"a": 1})  # type: ignore[arg-type]  # JSON text is str or bytes
    n: int = canonical_json(1)  # type: ignore[assignment]  # canonical_json returns str
    print(h, h2, h3, c, kinds, v, n)


def check_errors() -> None:
    try:
        stable_hash({1, 2})
    except CanonicalError as e:
        kind: ErrorKind = e.kind
        where: str = e.path
        detail: str = e.detail
        code: ErrorCode = e.code
        print(kind, where, detail, code, e.error_class)
    except BudgetExceededError as e:
        reason: StopReason = e.stop_reason
        print(reason, e.budget)
    except TooltrailError as e:
        print(e.kind)  # type: ignore[attr-defined]  # only CanonicalError has .kind
        if e.code == "no_such_code":  # type: ignore[comparison-overlap]  # not an ErrorCode
            pass
    invalid: type[ValueError] = tooltrail.RunError  # an InvalidArgumentError, a ValueError
    print(invalid)


def check_writer() -> None:
    w = EventWriter("logs", flush_interval=0.1, overflow="block", block_timeout=0.05)
    accepted: bool = w.event("tool_call", {"tool": "x"})
    flushed: bool = w.flush(1.0)
    stats: WriterStats = w.stats()
    full: int = stats["dropped"]["queue_full"]
    with EventWriter(config={"sinks": {}}) as scoped:
        scoped.event("run_start")
    closed: bool = w.close()
    EventWriter(overflow="sometimes")  # type: ignore[arg-type]  # overflow is "drop" | "block"
    EventWriter(flush_interval="soon")  # type: ignore[arg-type]  # seconds, a number
    w.event()  # type: ignore[call-arg]  # the event name is required
    print(accepted, flushed, full, closed)


def add(a: int, b: int) -> int:
    return a + b


async def fetch_it(url: str) -> str:
    return url


def check_gateway() -> None:
    gw = ToolGateway(
        impls={"add": add, "fetch_it": fetch_it},
        logger=EventWriter("logs"),
        validators={"fetch_it": lambda r: len(r) > 0},
        timeouts={"fetch_it": 2},
        config={"budgets": {"max_tool_calls": 5}},
    )
    out: Any = gw.call({"run_id": "r", "trace_id": "t"}, "add", {"a": 1, "b": 2})
    gw.call(RunCtx("r", "t", user_id="u"), "add", [1, 2])
    gw.call({"run_id": "r", "traceparent": "00-..."}, "fetch_it", {"url": "x"})
    metrics: dict[str, Any] = gw.metrics()
    print(out, metrics, gw.redact({"email": "a@b.c"}))

    ToolGateway(impls={"add": add}, timeouts={"add": "soon"})  # type: ignore[dict-item]  # seconds
    ToolGateway(impls=3)  # type: ignore[arg-type]  # impls maps names to callables
    ToolGateway({"add": add})  # type: ignore[misc]  # keyword-only
    ToolGateway(impls={"add": add}, logger=print)  # type: ignore[arg-type]  # a logger has .event
    ToolGateway(impls={"add": add}, config=5)  # type: ignore[arg-type]  # a path, dict or Config
    gw.call({"run_id": 1}, "add", {})  # type: ignore[arg-type]  # ids are strings
    gw.call({"run": "r"}, "add", {})  # type: ignore[arg-type]  # not a ctx key
    gw.call(RunCtx("r"), 42, {})  # type: ignore[arg-type]  # tool names are strings


async def check_runs(gw: ToolGateway) -> None:
    with gw.run(user_id="u", request_id="req-1") as run:
        steps: int = run.step()
        total: float = run.add_spend(0.01)
        run.call("add", {"a": 1, "b": 2})
        run_id: str = run.run_id
        header: Optional[str] = run.traceparent()  # None unless the ids are W3C ids
        run.stop("completed")
        run.stop("bored")  # type: ignore[arg-type]  # not a stop reason
        print(steps, total, run_id, header)
    async with gw.run(traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") as arun:
        body: Any = await arun.acall("fetch_it", {"url": "x"}, timeout=1.0)
        print(body)
    await gw.acall(RunCtx("r", "t"), "fetch_it", {"url": "x"}, timeout="1s")  # type: ignore[arg-type]
    gw.run(run_id=7)  # type: ignore[arg-type]  # ids are strings
    with gw.run(run_id="r2", agent_id="billing-bot") as brun:
        agent: Optional[str] = brun.ctx.agent_id
        print(agent)
    until: str = gw.incident_window(minutes=15)
    gw.incident_window(seconds=30.5)
    gw.incident_window("15")  # type: ignore[arg-type]  # a number of minutes
    print(until)
    reasons: tuple[StopReason, ...] = tooltrail.STOP_REASONS
    print(reasons)


def check_logs() -> None:
    logs = Logs("logs")
    summaries: list[RunSummary] = logs.runs(stop_reason="max_spend", user="u")
    first_reason: Optional[StopReason] = summaries[0]["stop_reason"]
    report: StatsReport = logs.stats(top=3)
    entries: list[tooltrail.AgentLogEntry] = tooltrail.agent_logs("support-bot", limit=50)
    blocked: int = tooltrail.agent_metrics("support-bot", period="day")["blocked_actions"]
    spend: float = logs.agent_metrics(period="week")["total_spend_usd"]
    by_agent: list[RunSummary] = logs.runs(agent_id="support-bot")
    p95: float = report["tools"][0]["p95_ms"]
    loops = logs.loops(min=2)
    mine: StatsReport = logs.stats(agent_id="support-bot")
    print(mine, logs.loops(agent_id="support-bot"))
    tripped: Optional[str] = logs.alerts()[0]["tripped_run_id"]
    print(tripped)
    count: int = loops[0]["count"]
    logs.runs(stop_reason="bored")  # type: ignore[arg-type]  # not a stop reason
    logs.runs("u")  # type: ignore[misc]  # filters are keyword-only
    report["tools"][0]["p95"]  # type: ignore[typeddict-item]  # the key is p95_ms
    gaps: tooltrail.LogGaps = logs.gaps()
    lost: int = gaps["dropped"]["queue_full"] + gaps["dropped_events"] + gaps["skipped_lines"]
    complete: bool = gaps["complete"]
    print(first_reason, p95, count, lost, complete, entries, blocked, spend, by_agent)


class Recorder:
    """A logger of one's own: any object with `.event(name, fields)`."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def event(self, kind: str, payload: dict[str, Any]) -> None:
        self.events.append((kind, payload))


class Silent:
    def log(self, name: str) -> None: ...


def check_loggers() -> None:
    ToolGateway(impls={"add": add}, logger=Recorder())
    ToolGateway(impls={"add": add}, logger=Silent())  # type: ignore[arg-type]  # no .event


def check_ambient() -> None:
    gw = ToolGateway(impls={})

    @gw.tool
    def search(query: str, limit: int = 10) -> list[str]:
        call: Optional[tooltrail.Call] = tooltrail.current_call()
        header: Optional[str] = call.traceparent() if call is not None else None
        return [query, str(header)]

    @gw.tool(name="fetch")
    async def fetch(url: str) -> bytes:
        return url.encode()

    def plain(x: int) -> int:
        return x

    wrapped = gw.wrap(plain, name="plain")
    with gw.run() as run:
        current: Optional[tooltrail.Run] = tooltrail.current_run()
        hits: list[str] = search("q", limit=2)
        n: int = wrapped(1)
        gw.call(None, "plain", {"x": 1})
        in_thread = run.wrap(plain)
        m: int = in_thread(2)
        search(3)  # type: ignore[arg-type]  # the signature is kept
        print(current, hits, n, m, fetch("u"))

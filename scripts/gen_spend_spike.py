"""Writes a deterministic tooltrail log with a 15-minute cost spike, through
the real gateway on a simulated clock (no sleeping, no network):

    .venv/bin/python scripts/gen_spend_spike.py DIR [--minutes 120] [--spike-at 60] [--seed 32]

Two hours of a support agent and a triage agent on `gpt-4o-mini` (a few
thousand tokens a step, a paid lookup added with `add_spend`), and for 15
minutes from minute 60 a `researcher` agent whose runs loop six steps on
`claude-opus-4-20250514` with 60k-token prompts. The configuration turns the
`spend_usd_per_min` alert on, so the log also holds the live alert and its
resolution. What to ask of it:

    tooltrail spend DIR                  # the spike's minutes, runs and model
    tooltrail spend DIR --by model
    tooltrail runs DIR --sort spend
    tooltrail alerts DIR --config DIR/tooltrail.yaml
"""

import argparse
import random
from pathlib import Path

import tooltrail

START_US = 1_796_000_000_000_000  # 2026-11-30T00:53:20Z
SPIKE_MINUTES = 15
CONFIG_YAML = """logging:
  ids: {request_id: optional}
  agent_id: support
  alerts:
    window_s: 300
    min_calls: 5
    for: 1m
    spend_usd_per_min: {warn: 1.0, critical: 50.0}
"""


def write(out: Path, minutes: int, spike_at: int, seed: int) -> int:
    """Writes the log and its configuration into `out`; returns the runs written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tooltrail.yaml").write_text(CONFIG_YAML)
    config = tooltrail.load_config(str(out / "tooltrail.yaml"))
    writer = tooltrail.EventWriter(out)
    gw = tooltrail.ToolGateway(
        impls={"search_kb": lambda q: {"hits": 3}, "fetch_paper": lambda doi: {"pages": 12}},
        logger=writer, config=config, _deterministic=START_US,
    )
    now, end, runs = 0, minutes * 60_000_000, 0
    clock = 0  # µs the simulated clock was advanced by

    def advance(us: int) -> None:
        nonlocal clock
        gw._advance_clock(us)
        clock += us

    spike = (spike_at * 60_000_000, (spike_at + SPIKE_MINUTES) * 60_000_000)
    next_research = spike[0]
    while now < end:
        step = rng.randint(8_000_000, 22_000_000)
        researching = spike[0] <= now < spike[1] and now >= next_research
        agent = "researcher" if researching else rng.choice(["support", "triage"])
        if researching:
            next_research = now + 30_000_000
        runs += 1
        with gw.run(run_id=f"run-{runs:05d}", trace_id=f"{runs:032x}", agent_id=agent) as run:
            steps = 6 if researching else rng.randint(1, 3)
            for i in range(steps):
                advance(rng.randint(300_000, 1_500_000))
                if researching:
                    run.model_call("claude-opus-4-20250514", provider="anthropic",
                                   input_tokens=60_000 + rng.randint(0, 4_000),
                                   output_tokens=1_500, latency_ms=9_000.0,
                                   finish_reason="tool_use" if i < steps - 1 else "end_turn")
                    if i < steps - 1:
                        run.call("fetch_paper", {"doi": f"10.1000/{rng.randint(1, 40)}"})
                else:
                    run.model_call("gpt-4o-mini", provider="openai",
                                   input_tokens=rng.randint(1_500, 3_000),
                                   output_tokens=rng.randint(50, 300), latency_ms=700.0,
                                   finish_reason="tool_calls" if i < steps - 1 else "stop")
                    if i < steps - 1:
                        run.call("search_kb", {"q": f"order {rng.randint(1, 500)}"})
                        run.add_spend(0.0005)  # the knowledge base's own per-query price
        now += step
        advance(max(0, now - clock))
    assert writer.close(10.0), "the writer did not drain"
    stats = writer.stats()
    assert stats["written"] == stats["accepted"], stats
    return runs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", type=Path)
    p.add_argument("--minutes", type=int, default=120)
    p.add_argument("--spike-at", type=int, default=60)
    p.add_argument("--seed", type=int, default=32)
    a = p.parse_args()
    runs = write(a.dir, a.minutes, a.spike_at, a.seed)
    print(f"{runs} runs in {a.dir}; spike from minute {a.spike_at} for {SPIKE_MINUTES} minutes")


if __name__ == "__main__":
    main()

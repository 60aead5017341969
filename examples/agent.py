"""A small support agent in Python: every tool call goes through tooltrail.

Run (with examples/fake_api.py serving): FAKE_API=http://127.0.0.1:PORT \
    .venv/bin/python examples/agent.py LOG_DIR
Tested with tooltrail.testing in examples/test_agent.py (docs/testing.md);
examples/agent.js is its Node port, held to the same snapshot.
"""

import json
import os
import sys
import urllib.error
import urllib.request

import tooltrail


class HTTPError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status_code = status


def http(method, path, body=None):
    data = json.dumps(body).encode() if body else None
    req = urllib.request.Request(os.environ["FAKE_API"] + path, method=method, data=data,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=1.0) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise HTTPError(e.code, e.read().decode()) from None


def search_orders(user):
    return http("GET", f"/orders?user={user}")


def get_invoice(order_id):
    return http("GET", f"/invoice?id={order_id}")


def send_email(to, subject, body):
    return http("POST", "/email", {"to": to, "subject": subject, "body": body})


IMPLS = {"search_orders": search_orders, "get_invoice": get_invoice, "send_email": send_email}


def make_gateway(impls, logger, agent_id="support-py", **options):
    """The agent's gateway: its budgets, what it stores, its validators."""
    return tooltrail.ToolGateway(
        impls=impls,
        logger=logger,
        config={
            "logging": {"agent_id": agent_id, "tool_calls": {"store_args": True, "store_error_messages": True}},
            "budgets": {"max_tool_calls": 6, "loop_guard": {"warn_after": 2, "block_after": 3}},
        },
        # The seed incident: a 200 whose body says "error" is a failure.
        validators={"get_invoice": lambda r: "error" not in r},
        **options,
    )


def handle(gw, i, prefix="py"):
    """One support request, one run: find the order, fetch its invoice, e-mail it."""
    with gw.run(run_id=f"{prefix}-run-{i}", user_id=f"user-{i % 3}", request_id=f"{prefix}-req-{i}") as run:
        orders = None
        for _attempt in range(3):  # the agent retries rate limits
            try:
                orders = run.call("search_orders", {"user": f"user-{i % 3}"})
                break
            except Exception as e:
                if getattr(e, "status_code", None) != 429:
                    raise
        run.add_spend(0.0031)  # what the planner's model call cost (simulated)
        order_id = orders["orders"][0]["id"]
        invoice = run.call("get_invoice", {"order_id": order_id})
        run.call("send_email", {"to": invoice["email"], "subject": "Your invoice",
                                "body": f"Total {invoice['amount']}"})


def main(log_dir):
    writer = tooltrail.EventWriter(log_dir)
    gw = make_gateway(IMPLS, writer)
    outcomes = {"ok": 0, "failed": 0}
    for i in range(6):
        try:
            handle(gw, i)
            outcomes["ok"] += 1
        except Exception as e:  # the agent gives up on this request
            outcomes["failed"] += 1
            print(f"  run py-run-{i}: {type(e).__name__}: {e}")
    writer.close()
    st = writer.stats()
    print(f"python agent: {outcomes['ok']} requests completed, {outcomes['failed']} failed")
    print(f"  events written: {st['written']} of {st['accepted']}, dropped: {sum(st['dropped'].values())}")


if __name__ == "__main__":
    main(sys.argv[1])

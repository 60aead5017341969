"""The tools the framework examples share: GETs to examples/fake_api.py
(FAKE_API), which answers 429 / 503 on a fixed schedule."""

import json
import os
import urllib.error
import urllib.request

import tooltrail


class HTTPError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status_code = status  # the core reads it: 429 is rate_limited, 503 unavailable


def http_get(path: str) -> dict:
    headers = {}
    call = tooltrail.current_call()  # the tool call in progress: its span is the request's parent
    if call is not None and call.traceparent() is not None:
        headers["traceparent"] = call.traceparent()
    req = urllib.request.Request(os.environ["FAKE_API"] + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5.0) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise HTTPError(e.code, e.read().decode()) from None


def gateway(log_dir: str, agent_id: str) -> tooltrail.ToolGateway:
    return tooltrail.ToolGateway(
        impls={},
        logger=tooltrail.EventWriter(path=log_dir),
        config={"logging": {"agent_id": agent_id, "tool_calls": {"store_args": True, "store_error_messages": True}}},
    )

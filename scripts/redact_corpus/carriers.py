"""Where a value sits in a log record: the carriers both generators use."""

from __future__ import annotations

import json

from .common import Rng

NEUTRAL_KEYS = ["value", "data", "output", "text", "note", "result", "payload", "item", "detail", "body", "msg", "content"]
SENTENCES = [
    "found {} in the response",
    "retrying request with {} after 3 attempts",
    "user pasted {} into the chat",
    "tool returned {}",
    "ERROR: upstream rejected {} (401)",
    "{}",
    "cached value {} for 300s",
]


def unnamed(rng: Rng, secret: str):
    """A value that carries no name saying it is secret."""
    k = rng.randrange(8)
    key = rng.choice(NEUTRAL_KEYS)
    if k == 0:
        return {key: secret}
    if k == 1:
        return rng.choice(SENTENCES).format(secret)
    if k == 2:
        return json.dumps({key: rng.choice(SENTENCES).format(secret)})
    if k == 3:
        return f"2024-0{rng.randrange(1, 10)}-1{rng.randrange(10)}T10:0{rng.randrange(10)}:00Z INFO {key}={secret} status=ok"
    if k == 4:
        return {"items": [rng.word(), secret, rng.randrange(100)]}
    if k == 5:
        return f"Response({{'{key}': '{secret}', 'ok': True}})"
    if k == 6:
        return {"messages": [{"role": "user", "content": f"here it is: {secret}"}]}
    return f"<td>{secret}</td>"


def named(rng: Rng, key: str, value):
    """A value under a name: object member, key=value text, YAML, pairs, .env."""
    k = rng.randrange(8)
    text = value if isinstance(value, str) else json.dumps(value)
    spaced = " " in text
    if k == 0:
        return {key: value, "user": rng.word()}
    if k == 1:
        v = f'"{text}"' if spaced else text
        return f"ValueError: login failed for {key}={v}"
    if k == 2:
        return f"settings:\n  host: db.internal\n  {key}: '{text}'\n"
    if k == 3:
        return [["Accept", "*/*"], [key, value]]
    if k == 4:
        return {"params": [{"name": "user", "value": rng.word()}, {"name": key, "value": value}]}
    if k == 5:
        env = key.upper().replace("-", "_").replace(" ", "_")
        return f"{env}=\"{text}\"\nPORT=8080" if spaced else f"{env}={text}\nPORT=8080"
    if k == 6:
        return json.dumps({"form": {key: value}})
    return f"{{'{key}': '{text}', 'retry': 2}}"

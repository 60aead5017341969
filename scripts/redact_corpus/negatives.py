"""Negatives: values from real log shapes that must come out unchanged."""

from __future__ import annotations

import uuid

from .common import ALNUM, DIGITS, HEX, LOWER, UPPER, Rng

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _id(rng: Rng):
    k = rng.randrange(10)
    if k == 0:
        return {"request_id": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
    if k == 1:
        return {"id": "01" + rng.s(24, CROCKFORD)}
    if k == 2:
        return {"customer": "cus_" + rng.s(14), "charge": "ch_" + rng.s(24), "intent": "pi_" + rng.s(24)}
    if k == 3:
        return f"GET /v1/orders/{rng.randrange(10**5, 10**9)} 200 in {rng.randrange(2, 900)}ms"
    if k == 4:
        return {"trace_id": rng.hexs(32), "span_id": rng.hexs(16)}
    if k == 5:
        return {"tweet_id": str(rng.randrange(10**17, 10**18)), "user_id": rng.randrange(10**6, 10**9)}
    if k == 6:
        return f"pod web-{rng.hexs(10)}-{rng.s(5, LOWER + DIGITS)} restarted"
    if k == 7:
        return {"message_id": f"<{rng.hexs(16)}.{rng.randrange(10**9)}@mail.internal>"}
    if k == 8:
        return {"run_id": f"run_{rng.s(16, LOWER + DIGITS)}", "call_id": f"call_{rng.s(24)}"}
    return {"order": f"ORD-{rng.randrange(2020, 2026)}-{rng.digits(6)}", "sku": f"SKU-{rng.s(6, UPPER + DIGITS)}"}


def _hash(rng: Rng):
    k = rng.randrange(8)
    if k == 0:
        return {"sha256": rng.hexs(64)}
    if k == 1:
        return f"deployed commit {rng.hexs(40)} to prod"
    if k == 2:
        return {"image": f"registry.example.com/app@sha256:{rng.hexs(64)}"}
    if k == 3:
        return {"integrity": "sha512-" + rng.s(86, ALNUM + "+/") + "=="}
    if k == 4:
        return {"etag": f'"{rng.hexs(32)}"', "md5": rng.hexs(32)}
    if k == 5:
        return f"args_hash={rng.hexs(64)} cached"
    if k == 6:
        return {"checksum": rng.hexs(40), "content_hash": rng.hexs(64)}
    return {"commit": rng.hexs(7), "tree": rng.hexs(40)}


def _version(rng: Rng):
    a, b, c = rng.randrange(20), rng.randrange(40), rng.randrange(200)
    return rng.choice([
        f"v{a}.{b}.{c}", f"{a}.{b}.{c}-beta.{rng.randrange(9)}+build.{rng.randrange(999)}",
        {"python": f"3.{rng.randrange(8, 14)}.{c}", "sdk": f"{a}.{b}.{c}"},
        f"node/v{rng.randrange(16, 24)}.{b}.{c} linux-x64", f"openssl 3.{rng.randrange(4)}.{rng.randrange(15)} 11 Jun 2024",
        {"user_agent": f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{rng.randrange(100, 130)}.0.{rng.randrange(6000, 7000)}.{c}"},
    ])


def _time(rng: Rng):
    ts = 1700000000 + rng.randrange(10**8)
    return rng.choice([
        {"ts": ts, "ts_ms": ts * 1000 + rng.randrange(1000)},
        f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.digits(6)}Z",
        f"Mon, {rng.randrange(1, 29):02d} Jan 2024 {rng.randrange(24):02d}:{rng.randrange(60):02d}:00 GMT",
        f"took {rng.randrange(1, 9999)}.{rng.digits(3)} ms (p95 {rng.randrange(1, 999)} ms)",
        {"date": f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/2024", "time": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"},
        f"cron 0 {rng.randrange(24)} * * 1-5 next at {ts}",
    ])


def _amount(rng: Rng):
    cents = rng.randrange(1, 10**9)
    return rng.choice([
        {"amount": cents, "currency": "usd"}, f"total ${cents // 100:,}.{cents % 100:02d}",
        f"EUR {cents // 100}.{cents % 100:02d} charged", {"balance": cents / 100, "spend_usd": round(rng.random() * 9, 6)},
        f"{rng.randrange(1, 99)}.{rng.digits(8)} BTC", {"price_per_mtok": round(rng.random() * 20, 3), "tokens": rng.randrange(10**6)},
    ])


def _path(rng: Rng):
    w = rng.word()
    return rng.choice([
        f"/var/log/{w}/app-{rng.randrange(1, 31)}.log", f"C:\\Users\\{w}\\AppData\\Local\\{w}.exe",
        {"file": f"/etc/secrets/{w}/password.txt"}, f"s3://{w}-bucket/exports/2024/{rng.digits(8)}.parquet",
        {"path": f"config/credentials.{rng.choice(['yml', 'json'])}.enc"}, f"./src/{w}/token_store.py:{rng.randrange(1, 500)}",
        {"mount": f"/run/secrets/{w}_api_key"}, f"~/.ssh/id_ed25519.pub",
    ])


def _host(rng: Rng):
    w = rng.word()
    return rng.choice([
        f"ip-10-{rng.randrange(256)}-{rng.randrange(256)}-{rng.randrange(256)}.ec2.internal",
        {"host": f"{w}.{rng.choice(['example.com', 'svc.cluster.local', 'internal'])}", "port": rng.randrange(1, 65535)},
        f"connect to {rng.randrange(1, 255)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}:{rng.randrange(1, 65535)} refused",
        f"https://{w}.example.org/api/v{rng.randrange(1, 4)}/items?page={rng.randrange(9)}&sort=asc",
        {"ipv6": f"2001:db8::{rng.hexs(4)}:{rng.hexs(4)}"}, f"{w}-{rng.randrange(99)}.{w}.svc:{rng.randrange(1000, 9999)}",
    ])


MODELS = [
    "gpt-4o-mini-2024-07-18", "gpt-4.1", "o3-mini", "claude-3-5-sonnet-20241022", "claude-sonnet-4-20250514",
    "text-embedding-3-large", "gemini-1.5-pro-002", "mistral-large-latest", "llama-3.1-70b-instruct", "sk-learn-compatible-models",
    "meta-llama/Llama-3.1-8B-Instruct", "anthropic.claude-3-haiku-20240307-v1:0", "ft:gpt-4o-mini-2024-07-18:acme::9xYz12Ab",
]


def _model(rng: Rng):
    m = rng.choice(MODELS)
    return rng.choice([{"model": m, "input_tokens": rng.randrange(9999), "output_tokens": rng.randrange(999)}, f"model={m} max_tokens={rng.randrange(64, 8192)}", {"provider": "openai", "model": m}])


PROSE = [
    "Password must be at least {n} characters", "rotate the API key every {n} days", "token expired, please re-authenticate",
    "set GITHUB_TOKEN in the repository secrets", "Use --password-stdin instead of --password", "the secret is stored in Vault",
    "invalid credentials (attempt {n} of 5)", "OTP sent to your device", "enter the {n}-digit PIN", "IBAN format invalid",
    "SSN is required for payouts over ${n}", "api_key: missing", "Authorization: required", "mfa_code: expired",
    "Kennwort vergessen? Bitte zurücksetzen.", "mot de passe incorrect", "contraseña demasiado corta", "see docs/security.md#tokens",
    "token_count={n} token_limit=8192", "passwordless login enabled for {n} users", "pin: required", "verification_code: sent",
]


def _prose(rng: Rng):
    t = rng.choice(PROSE).format(n=rng.randrange(2, 99))
    return t if rng.random() < 0.5 else {"error": t, "code": rng.choice([400, 401, 403, 422])}


def _typed(rng: Rng):
    return rng.choice([
        {"max_tokens": rng.randrange(64, 8192)}, {"otp_length": 6, "pin_attempts": rng.randrange(5)},
        {"has_password": rng.random() < 0.5, "mfa_enabled": True}, {"token_count": rng.randrange(10**5)},
        {"password_min_length": rng.randrange(8, 20)}, {"pin_required": False}, {"iban_country": "DE", "account_type": "checking"},
        {"secret_name": f"prod/{rng.word()}/readonly"}, {"key": "region", "value": rng.choice(["eu-west-1", "us-east-2"])},
        {"cache_key": f"user:{rng.randrange(10**6)}:profile"}, {"partition_key": f"tenant-{rng.randrange(999)}"},
    ])


NEGATIVES = {"ids": _id, "hashes": _hash, "versions": _version, "timestamps": _time, "amounts": _amount,
             "paths": _path, "hostnames": _host, "model_names": _model, "prose": _prose, "typed_values": _typed}


def negatives(rng: Rng, out: list, n: int) -> None:
    for family, make in NEGATIVES.items():
        for i in range(n):
            out.append((family, f"{family}_{i}", make(rng)))


_ = HEX

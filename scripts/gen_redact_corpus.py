#!/usr/bin/env python3
"""Writes the inputs of tests/vectors/redact/corpus_*.json (issue 16).

Each case is {"name", "input", "expected", "secrets"} (positives: every string in
"secrets" must be absent from the redacted output) or {"name", "input",
"expected", "keep"} (benign look-alikes: the output equals the input, so every
string in "keep" survives). The script writes the inputs with "expected" set to
the input; the redactor's output is then recorded by

    TOOLTRAIL_BLESS=1 cargo test -p tooltrail-core --test redact bless -- --ignored

and every test (Rust, Python, Node) checks both the recorded output and the
leak / false-positive invariants, so a bad bless fails the suite. Deterministic.
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "vectors" / "redact"
rng = random.Random(16)

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def rand(n: int, alphabet: str = ALNUM) -> str:
    # Always mixes classes, like real generated secrets.
    s = [rng.choice(alphabet) for _ in range(n)]
    if alphabet == ALNUM and n >= 3:
        s[0], s[1], s[2] = rng.choice("ABCDEFGHJK"), rng.choice("mnpqrst"), rng.choice("23456789")
        rng.shuffle(s)
    return "".join(s)


def hexs(n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def luhn_ok(d: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(d)):
        v = int(c)
        if i % 2 == 1:
            v = v * 2 - 9 if v * 2 > 9 else v * 2
        total += v
    return total % 10 == 0


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for last in "0123456789":
        if luhn_ok(body + last):
            return body + last
    raise AssertionError


def luhn_fail(length: int, first: str = "") -> str:
    while True:
        d = first + "".join(rng.choice("0123456789") for _ in range(length - len(first)))
        if not luhn_ok(d) and d[0] != "0":
            return d


JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2\nQ8nE4ZxKxP0dFhV3+8a9Yw==\n"
    "-----END RSA PRIVATE KEY-----"
)
PEM_BODY = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2"


def tokens() -> list[tuple[str, str]]:
    """(kind, secret) of every supported token format, fresh random bodies."""
    return [
        ("openai", "sk-proj-" + rand(48)),
        ("anthropic", "sk-ant-api03-" + rand(40)),
        ("stripe_live", "sk_live_51" + rand(30)),
        ("stripe_restricted", "rk_live_51" + rand(30)),
        ("stripe_webhook", "whsec_" + rand(32)),
        ("github_classic", "ghp_" + rand(36)),
        ("github_oauth", "gho_" + rand(36)),
        ("github_fine_grained", "github_pat_11" + rand(20) + "_" + rand(59)),
        ("slack_bot", "xoxb-" + str(rng.randrange(10**11, 10**12)) + "-" + str(rng.randrange(10**12, 10**13)) + "-" + rand(24)),
        ("slack_user", "xoxp-" + str(rng.randrange(10**11, 10**12)) + "-" + rand(24)),
        ("slack_app", "xapp-1-A0" + rand(9).upper() + "-" + str(rng.randrange(10**12, 10**13)) + "-" + hexs(64)),
        ("aws_key_id", "AKIA" + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
        ("aws_temp_key_id", "ASIA" + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
        ("google_api_key", "AIza" + rand(35, ALNUM + "-_")),
        ("google_oauth_secret", "GOCSPX-" + rand(28)),
        ("gitlab", "glpat-" + rand(20)),
        ("npm", "npm_" + rand(36)),
        ("huggingface", "hf_" + rand(34)),
        ("sendgrid", "SG." + rand(22) + "." + rand(43)),
        ("jwt", JWT),
        ("stripe_publishable", "pk_live_51" + rand(30)),
        ("github_user_to_server", "ghu_" + rand(36)),
        ("github_server_to_server", "ghs_" + rand(36)),
        ("github_refresh", "ghr_" + rand(36)),
        ("slack_config", "xoxe.xoxp-1-" + rand(40)),
        ("slack_legacy", "xoxa-2-" + rand(30)),
        ("aws_abia", "ABIA" + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
        ("google_oauth_access", "ya29." + rand(60, ALNUM + "-_")),
        ("pypi", "pypi-AgEIcHlwaS5vcmc" + rand(60, ALNUM + "-_")),
        ("shopify", "shpat_" + hexs(32)),
        ("digitalocean", "dop_v1_" + hexs(64)),
        ("twilio", "SK" + hexs(32)),
        ("mailgun", "key-" + rand(32)),
        ("linear", "lin_api_" + rand(40)),
        ("doppler", "dp.pt." + rand(43)),
        ("databricks", "dapi" + hexs(32)),
        ("age", "AGE-SECRET-KEY-1" + rand(58, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")),
    ]


positives: list[dict] = []
benign: list[dict] = []


def pos(name: str, value, *secrets: str) -> None:
    positives.append({"name": name, "input": value, "expected": value, "secrets": list(secrets)})


def ok(name: str, value, *keep: str) -> None:
    benign.append({"name": name, "input": value, "expected": value, "keep": list(keep)})


PASSWORDS = ["hunter2", "S3cr3tPass!", "Tr0ub4dor3", "p4ssw0rd_2024", "zX9#kL2$mN", "qwerty123456", "Winter2024!", "6yhn^YHN7ujm"]

# --- free text and error messages -------------------------------------------
for i, pw in enumerate(PASSWORDS):
    pos(f"sentence_password_eq_{i}", f"login failed for user bob password={pw} after 3 attempts", pw)
    pos(f"exception_password_{i}", f"ValueError: login failed for password={pw}", pw)
    pos(f"exception_repr_{i}", f"TypeError: connect() got {{'user': 'svc', 'password': '{pw}'}}", pw)
    pos(f"log_line_colon_{i}", f"2024-05-01T10:00:00Z WARN db: retrying with passwd: {pw}", pw)
    pos(f"json_in_text_{i}", f'config loaded: {{"db_password": "{pw}", "host": "db.internal"}}', pw)
    pos(f"kwargs_{i}", f"psycopg2.connect(host='db', user='app', password=\"{pw}\")", pw)
    pos(f"env_dump_{i}", f"MYSQL_ROOT_PASSWORD={pw}\nMYSQL_DATABASE=shop", pw)
    pos(f"ruby_hash_{i}", f"params: {{:username => \"bob\", :password => \"{pw}\"}}", pw)
    pos(f"yaml_{i}", f"database:\n  user: app\n  password: '{pw}'\n", pw)
    pos(f"cli_flag_{i}", f"ran: mysql --user app --password {pw} --host db shop", pw)
    pos(f"field_of_object_{i}", {"error": f"auth failed: password={pw}", "code": 401}, pw)

for i in range(6):
    tok = rand(40)
    pos(f"api_key_colon_{i}", f"using api_key: {tok} for region eu-west-1", tok)
    pos(f"token_eq_in_sentence_{i}", f"request rejected because token={tok} expired", tok)
    pos(f"x_api_key_header_{i}", f"> GET /v1/items HTTP/1.1\n> X-Api-Key: {tok}\n> Accept: */*", tok)
    pos(f"auth_header_dump_{i}", f"headers sent: Authorization: Basic {rand(28)}== ", )
    positives[-1]["secrets"] = [positives[-1]["input"].split("Basic ")[1].split("==")[0]]
    pos(f"curl_header_{i}", f'curl -H "Authorization: Token {tok}" https://api.example.com/v2/me', tok)
    pos(f"cookie_header_{i}", f"Set-Cookie: sessionid={tok}; Path=/; HttpOnly", tok)
    pos(f"client_secret_log_{i}", f"oauth: client_id=web-app client_secret={tok} scope=read", tok)
    pos(f"signing_key_hex_{i}", f"loaded signing_key={hexs(64)} from vault")
    positives[-1]["secrets"] = [positives[-1]["input"].split("=")[1].split(" ")[0]]

# --- query strings and form bodies ------------------------------------------
for i in range(8):
    tok, sig = rand(32), rand(43, ALNUM + "-_")
    pos(f"query_access_token_{i}", f"GET https://api.example.com/v1/me?access_token={tok}&fields=id,name", tok)
    pos(f"query_sig_{i}", f"https://cdn.example.com/f.pdf?expires=1700000000&sig={sig}&v=2", sig)
    pw = PASSWORDS[i]
    cs = rand(32)
    pos(
        f"form_body_{i}",
        f"grant_type=password&username=bob%40example.org&password={pw}&client_id=app&client_secret={cs}",
        pw,
        cs,
    )
    enc = "p%40ss" + rand(6) + "%21%2B"
    pos(f"percent_encoded_{i}", f"POST /login body=user=bob&password={enc}&remember=1", enc)
    amz = hexs(64)
    pos(
        f"presigned_s3_{i}",
        f"https://bucket.s3.amazonaws.com/k.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA{rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}%2F20240101&X-Amz-Signature={amz}",
        amz,
    )
    rt = rand(40)
    pos(f"refresh_token_query_{i}", {"url": f"https://auth.example.com/token?refresh_token={rt}&grant_type=refresh_token"}, rt)

# --- key/value pairs as data -------------------------------------------------
for i in range(6):
    tok = rand(36)
    pos(f"header_array_{i}", {"headers": [["Content-Type", "application/json"], ["Authorization", f"Bearer {tok}"]]}, tok)
    pos(f"header_array_apikey_{i}", [["x-api-key", tok], ["accept", "*/*"]], tok)
    pw = PASSWORDS[i]
    pos(f"key_value_list_{i}", {"params": [{"key": "user", "value": "bob"}, {"key": "password", "value": pw}]}, pw)
    pos(f"har_header_{i}", {"request": {"headers": [{"name": "Authorization", "value": f"Basic {tok}"}]}}, tok)
    pos(
        f"otlp_attribute_{i}",
        {"attributes": [{"key": "http.request.header.authorization", "value": {"stringValue": f"Bearer {tok}"}}]},
        tok,
    )
    pos(f"aws_tags_{i}", {"Tags": [{"Key": "Name", "Value": "web"}, {"Key": "db_password", "Value": pw}]}, pw)
    sk = "sk_live_" + rand(30)
    pos(f"k8s_env_{i}", {"env": [{"name": "STRIPE_SECRET_KEY", "value": sk}, {"name": "PORT", "value": "8080"}]}, sk)
    pos(f"cookie_pair_{i}", [["Cookie", f"session={tok}; theme=dark"]], tok)

# --- token formats, in several carriers --------------------------------------
for i in range(2):
    for kind, secret in tokens():
        pos(f"token_{kind}_bare_{i}", {"value": secret}, secret)
        pos(f"token_{kind}_sentence_{i}", f"found credential {secret} in commit message", secret)
        if i == 0:
            pos(f"token_{kind}_json_string_{i}", json.dumps({"note": f"rotate {secret} today"}), secret)

for i in range(6):
    hook = f"https://hooks.slack.com/services/T0{rand(8).upper()}/B0{rand(8).upper()}/{rand(24)}"
    secret = hook.split("/services/")[1]
    tel = f"+1415555{rng.randrange(1000, 9999)}"
    pos(f"phone_tel_uri_{i}", f'<a href="tel:{tel}">call</a>', tel)
    pos(f"slack_webhook_{i}", f"posting alert to {hook} failed: 404", secret)
    dis = f"https://discord.com/api/webhooks/{rng.randrange(10**17, 10**18)}/{rand(68, ALNUM + '-_')}"
    pos(f"discord_webhook_{i}", {"webhook": dis}, dis.split("/webhooks/")[1])
    kid = "AKIA" + rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    sec = rand(30) + "/" + rand(9)
    pos(f"aws_pair_csv_{i}", f"Access key ID,Secret access key\n{kid},{sec}\n", kid, sec)
    pos(f"aws_pair_sentence_{i}", f"use {kid} with {sec} for the backup job", kid, sec)
    pos(f"aws_credentials_file_{i}", f"[default]\naws_access_key_id = {kid}\naws_secret_access_key = {sec}\n", kid, sec)
    pos(f"pem_block_{i}", {"key": PEM if i % 2 else PEM.replace("RSA ", "")}, PEM_BODY)
    pos(f"pem_truncated_{i}", f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}{rand(20)}", PEM_BODY)
    hx = hexs(64)
    pos(f"hex_under_hmac_key_{i}", {"hmac_key": hx}, hx)
    b64 = rand(44)
    pos(f"base64_under_encryption_key_{i}", {"encryptionKey": b64}, b64)
    pos(f"base64_pair_signing_key_{i}", [{"name": "WEBHOOK_SIGNING_KEY", "value": b64}], b64)

# --- PII under sensitive keys, whatever the type ------------------------------
cards = ["4111111111111111", "5500000000000004", "378282246310005", "6011111111111117", "3530111333300000"]
for i, c in enumerate(cards):
    pos(f"card_int_{i}", {"card_number": int(c), "amount": 12.5}, c)
    pos(f"card_text_{i}", f"charge declined for card {c[:4]} {c[4:8]} {c[8:12]} {c[12:]}", c[4:8] + " " + c[8:12])
    ssn = f"{rng.randrange(100, 665)}{rng.randrange(10, 99)}{rng.randrange(1000, 9999)}"
    pos(f"card_after_colon_{i}", f"card:{c} exp:12/27", c)
    pos(f"ssn_int_{i}", {"customer": {"ssn": int(ssn)}}, ssn)
    pos(f"ssn_text_{i}", f"verify ssn: {ssn[:3]}-{ssn[3:5]}-{ssn[5:]} before payout", f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}")
    cvv = str(rng.randrange(100, 999))
    pos(f"cvv_int_{i}", {"payment": {"cvv": int(cvv), "currency": "EUR"}}, f'"cvv":{cvv}')

# --- benign look-alikes ------------------------------------------------------
for i in range(20):
    oid = luhn_fail(16, "4")
    ok(f"order_id_luhn_invalid_{i}", f"order {oid} shipped", oid)
    track = luhn_fail(rng.choice([13, 15, 18, 20, 22]))
    ok(f"tracking_number_{i}", {"tracking": track, "carrier": "UPS"}, track)
for i in range(8):
    valid_non_card = luhn_complete("9", 16)
    ok(f"luhn_valid_non_network_{i}", f"invoice {valid_non_card}", valid_non_card)
for i in range(15):
    u = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    ok(f"uuid_{i}", {"request_id": u, "msg": f"trace {u} done"}, u)
for i in range(6):
    u = "-".join(luhn_fail(n, "4") for n in (8, 4, 4, 4, 12))
    ok(f"uuid_all_digits_{i}", f"id={u}", u)
for i in range(15):
    sha = hexs(40)
    ok(f"git_sha_{i}", f"deployed commit {sha} to prod (aws us-east-1, secret rotation off)", sha)
for i, key in enumerate(["args_hash", "sha256", "etag", "checksum", "digest", "content_hash", "fingerprint", "idempotency_key", "cache_key", "object_key", "md5", "hash", "request_hash", "public_key_fingerprint", "commit"]):
    h = hexs(64 if i % 2 else 32)
    ok(f"hash_under_benign_key_{key}", {key: h, "size": 2048}, h)
    ok(f"hash_in_text_{key}", f"{key}={h}", h)
for i in range(10):
    ts = 1700000000 + rng.randrange(10**7)
    ok(f"epoch_seconds_{i}", {"ts": ts, "text": f"at {ts}"}, str(ts))
    ms = ts * 1000 + rng.randrange(1000)
    ok(f"epoch_millis_{i}", f"event_time={ms}", str(ms))
    iso = f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"
    ok(f"iso_timestamp_{i}", {"started_at": iso, "log": f"{iso} INFO token: refreshed"}, iso)
for i in range(10):
    amt = f"{rng.randrange(1, 10**7):,}.{rng.randrange(100):02d}"
    ok(f"amount_{i}", f"total: ${amt} (tax: {rng.randrange(1, 999)}.{rng.randrange(100):02d})", amt)
    big = rng.randrange(10**12, 10**15)
    ok(f"amount_cents_{i}", {"amount_cents": big, "balance": big / 100}, str(big))
PROSE = [
    "Password: required",
    "token: expired",
    "Please reset your password.",
    "max_tokens=512 temperature=0.2",
    "tokens: 1024 prompt, 512 completion",
    "author=alice reviewer=bob",
    "auth: ok",
    "secret: none",
    "password=None",
    "password=***",
    "api_key=<redacted>",
    "the bearer of this letter is authorized",
    "session: 3 of 5 complete",
    "Token: invalid",
    "Password: too short",
    "api key: missing",
    "secret: redacted",
    "use sk-learn-compatible-models for the baseline",
    "ask-for-permission-before-deleting-files",
    "task-runner-service-deployment",
    "passwordless login enabled",
    "token_count=42 token_limit=8192",
    "if password == confirm: save()",
    "see https://example.com/path?page=2&sort=asc&q=weather",
    "icon@2x.png and logo@3x.webp",
    "build 2024.01.15 released",
    "version 1.2.3.4 of the sdk",
    "connect to 192.168.100.200:5432",
    "host 10.100.200.250 is down",
    "arn:aws:iam::123456789012:role/deploy",
    "std::env::var(\"HOME\")",
    "ratio 3:2 and time 12:30:45",
    "key: value pairs are supported",
    "Authorization: required",
    "authorization header missing",
    "cookie: consent given",
    "credentials: not found",
    "signature: def run(x: int) -> str",
    "a=b&c=d",
    "secret_name=prod/db/readonly",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq5 deploy@ci",
    "public_key: ssh-rsa AAAAB3NzaC1yc2E",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "HTTP/1.1 401 Unauthorized",
    "phone_type=mobile",
    "card: declined (insufficient funds)",
    "ssn: not provided",
    "pwd: /home/app",
    "mysql --user app --password-file /run/secrets/db --host db",
    "cli --no-password --verbose",
    "tool --token-limit 4096 --api-base https://api.example.com",
    "passwd -l bob",
]
for i, text in enumerate(PROSE):
    ok(f"prose_{i}", text, text)
STRUCTURED = [
    {"max_tokens": 512, "temperature": 0.2},
    {"token_count": 42, "tokens": 1024},
    {"has_password": True, "password_min_length": 12},
    {"password_policy": "min 12 chars"},
    {"key": "region", "value": "eu-west-1"},
    {"name": "Content-Type", "value": "application/json"},
    [["Content-Type", "application/json"], ["Accept", "*/*"]],
    ["password", "reset"][:1],
    {"signature": "def run(x: int) -> str"},
    {"public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq5"},
    {"author": "alice", "authority": "ca"},
    {"session_count": 3},
    {"cache_key": "user:42:profile"},
    {"s3_key": "uploads/2024/01/report.pdf"},
    {"primary_key": "id"},
    {"key": "Name", "value": "web-server"},
    {"Key": "team", "Value": "payments"},
    {"card_brand": "visa", "card_last4": "1111"},
    {"ssn_provided": False},
    {"tokenizer": "cl100k_base"},
    {"secret_scanning": "enabled"},
    {"pan": 0.5, "zoom": 2},
    {"pass": 5, "fail": 2},
    {"order_id": 4111111111111112, "qty": 3},
    {"phone_verified": True, "id": 5551234567 - 5551234567 + 98765},
]
for i, v in enumerate(STRUCTURED):
    ok(f"structured_{i}", v)


def write(name: str, description: str, cases: list[dict]) -> None:
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    path = OUT / name
    old = {}
    if path.exists():
        old = {c["name"]: c["expected"] for c in json.loads(path.read_text())["cases"]}
    lines = []
    for c in cases:
        c = dict(c)
        c["expected"] = old.get(c["name"], c["expected"]) if "secrets" in c else c["input"]
        lines.append(json.dumps(c, ensure_ascii=False, sort_keys=False))
    body = ",\n".join(lines)
    path.write_text(f'{{"description": {json.dumps(description)},\n"cases": [\n{body}\n]}}\n', encoding="utf-8")


write("corpus_positive.json", "issue 16: secrets that must not survive (generated by scripts/gen_redact_corpus.py)", positives)
write("corpus_benign.json", "issue 16: look-alikes that must survive unchanged (generated by scripts/gen_redact_corpus.py)", benign)
print(f"{len(positives)} positive, {len(benign)} benign")

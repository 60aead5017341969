"""Command lines, argument vectors, connection strings and text formats inside strings."""

from __future__ import annotations

import json
import shlex
from urllib.parse import quote

from .common import ALNUM, B64, Rng


def _pw(rng: Rng) -> str:
    return rng.password()


def _argv(rng: Rng, pw: str, tok: str) -> tuple[list[str], str]:
    """(argv, the secret in it)."""
    host = rng.choice(["db.internal", "10.0.3.7", "mysql-primary", "localhost"])
    user = rng.choice(["root", "app", "admin", "svc_etl"])
    k = rng.randrange(16)
    if k == 0:
        return ["gh", "auth", "login", "--with-token", tok], tok
    if k == 1:
        return ["mysql", "-h", host, "-u", user, f"-p{pw}", "shop"], pw
    if k == 2:
        return ["mysql", "-h", host, "-u", user, "-p", pw], pw
    if k == 3:
        return [rng.choice(["mysqldump", "mysqladmin", "mariadb"]), "-u", user, "--password", pw, "shop"], pw
    if k == 4:
        return ["docker", "login", "-u", user, "-p", pw, "registry.example.com"], pw
    if k == 5:
        return ["docker", "login", "--username", user, "--password", pw], pw
    if k == 6:
        return ["curl", "-u", f"{user}:{pw}", "https://api.example.com/v1/export"], pw
    if k == 7:
        return ["sshpass", "-p", pw, "ssh", f"{user}@{host}"], pw
    if k == 8:
        return ["redis-cli", "-h", host, "-a", pw, "ping"], pw
    if k == 9:
        return [rng.choice(["mongosh", "mongo"]), "--host", host, "-u", user, "-p", pw], pw
    if k == 10:
        return ["deploy", f"--token={tok}", "--env", "prod"], tok
    if k == 11:
        return ["helm", "repo", "add", "charts", "https://charts.example.com", "--username", user, "--password", pw], pw
    if k == 12:
        return ["psql", f"postgresql://{user}:{quote(pw, safe='')}@{host}:5432/shop"], quote(pw, safe="")
    if k == 13:
        return ["terraform", "apply", "-var", f"db_password={pw}"], pw
    if k == 14:
        return ["cli", "--api-key", tok, "--region", "eu-west-1"], tok
    return ["az", "login", "--service-principal", "-u", user, "-p", pw, "--tenant", "contoso"], pw


def cli(rng: Rng, out: list, n: int) -> None:
    for i in range(n):
        pw, tok = _pw(rng), rng.token(30, 48)
        kind = rng.randrange(4)
        if kind < 2:
            argv, secret = _argv(rng, pw, tok)
            value = {"argv": argv} if kind == 0 else shlex.join(argv)
        elif kind == 2:
            var = rng.choice(["DB_PASSWORD", "GITHUB_TOKEN", "API_KEY", "PGPASSWORD", "MYSQL_PWD", "AWS_SECRET_ACCESS_KEY", "SLACK_TOKEN", "REDIS_PASSWORD"])
            secret = tok if "TOKEN" in var or "KEY" in var else pw
            value = f"export {var}={shlex.quote(secret)}"
        else:
            var = rng.choice(["PGPASSWORD", "MYSQL_PWD", "API_TOKEN", "DB_PASS", "VAULT_TOKEN"])
            secret = tok if "TOKEN" in var else pw
            cmd = rng.choice(["psql -h db -U app shop", "mysql -u root", "node worker.js", "python manage.py migrate"])
            value = f"{var}={shlex.quote(secret)} {cmd}"
            if rng.random() < 0.3:
                value = f"docker run -e {var}={shlex.quote(secret)} app:latest"
        out.append(("cli", f"cli_{i}", value, [secret]))


SCHEMES = "postgres postgresql mysql mariadb mongodb mongodb+srv redis rediss amqp amqps mssql sqlserver clickhouse " \
    "cockroachdb ftp sftp smtp smtps ldap ldaps nats http https snowflake".split()


def connection_strings(rng: Rng, out: list, n: int) -> None:
    for i in range(n):
        pw = rng.password()
        enc = quote(pw, safe="")
        host = rng.choice(["db.internal", "cluster0.ab1cd.mongodb.net", "10.0.0.5", "broker", "mail.example.com"])
        user = rng.choice(["app", "admin", "etl_user", "svc"])
        kind = rng.randrange(8)
        if kind < 3:
            s = rng.choice(SCHEMES)
            value, secret = f"{s}://{user}:{enc}@{host}:{rng.randrange(1000, 9999)}/{rng.word()}", enc
        elif kind == 3:
            value, secret = f"jdbc:{rng.choice(['postgresql', 'mysql'])}://{host}:5432/shop?user={user}&password={enc}&ssl=true", enc
        elif kind == 4:
            value, secret = f"Server=tcp:{host},1433;Initial Catalog=shop;User ID={user};Password={pw.replace(';', '')};Encrypt=True;", pw.replace(";", "")
        elif kind == 5:
            key = "".join(rng.choice(B64) for _ in range(86)) + "=="
            value, secret = f"DefaultEndpointsProtocol=https;AccountName={rng.word()}store;AccountKey={key};EndpointSuffix=core.windows.net", key
        elif kind == 6:
            key = "".join(rng.choice(B64) for _ in range(43)) + "="
            value, secret = f"Endpoint=sb://{rng.word()}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}", key
        else:
            value, secret = f"host={host} port=5432 dbname=shop user={user} password={shlex.quote(pw)} sslmode=require", pw
        carrier = rng.randrange(3)
        value = {"dsn": value} if carrier == 0 else value if carrier == 1 else f"connecting to {value} failed: timeout"
        out.append(("connection_string", f"conn_{i}", value, [secret]))


def embedded(rng: Rng, out: list, n: int) -> None:
    """Structured text inside a string value."""
    for i in range(n):
        pw, tok = rng.password(), rng.token(24, 40)
        kind = rng.randrange(7)
        if kind == 0:
            var = rng.choice(["pw", "p", "secret", "input", "value", "newPassword"])
            q = f"mutation Login($email: String!, ${var}: String!) {{ login(email: $email, password: ${var}) {{ token }} }}"
            value = {"query": q, "variables": json.dumps({"email": "a@b.io", var: pw})}
            secret = pw
        elif kind == 1:
            value = {"query": "mutation($input: LoginInput!) { login(input: $input) { ok } }",
                     "variables": json.dumps({"input": {"username": "bob", "password": pw}})}
            secret = pw
        elif kind == 2:
            value = {"stdout": f"db:\n  host: db.internal\n  password: {json.dumps(pw)}\n  pool: 5\n"}
            secret = pw
        elif kind == 3:
            value = {"file": ".env", "content": f"DEBUG=false\nDATABASE_PASSWORD={shlex.quote(pw)}\nSTRIPE_SECRET_KEY={tok}\n"}
            secret = pw
        elif kind == 4:
            value = {"log": f"user=bob client_secret={tok} scope=read"}
            secret = tok
        elif kind == 5:
            value = json.dumps({"body": json.dumps({"credentials": {"refresh_token": tok}})})
            secret = tok
        else:
            value = {"toml": f'[database]\nuser = "app"\npassword = "{pw}"\n'}
            secret = pw
        out.append(("embedded_text", f"embedded_{i}", value, [secret]))

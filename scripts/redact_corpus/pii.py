"""PII in free text, with no name in front: e-mail, phone, card, IBAN, US SSN."""

from __future__ import annotations

from .common import DIGITS, IBAN_SHAPES, LOWER, Rng, iban, luhn_complete

FIRST = "alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor wendy".split()
LAST = "smith garcia müller martin rossi dubois novak kowalski silva tanaka".split()
DOMAINS = "example.com acme.io mail.de corp.co.uk shop.fr startup.ai posteo.net uni-bonn.de gmail.com outlook.com proton.me dev.app".split()
TEXT = [
    "please contact {} about the refund",
    "{}",
    "customer wrote: my details are {} thanks",
    "Lookup result: {} (verified)",
    "forwarding to {} now",
]


def _carry(rng: Rng, v: str):
    k = rng.randrange(3)
    text = rng.choice(TEXT).format(v)
    return text if k == 0 else {"message": text} if k == 1 else {"rows": [[rng.randrange(1, 999), text]]}


def _email(rng: Rng) -> str:
    f, last = rng.choice(FIRST), rng.choice(LAST).replace("ü", "u")
    local = rng.choice([f"{f}.{last}", f"{f}_{last}{rng.randrange(99)}", f"{f}+{rng.choice(['news', 'shop'])}", f"{f[0]}{last}"])
    return f"{local}@{rng.choice(DOMAINS)}"


def _phone(rng: Rng) -> str:
    d = rng.digits
    k = rng.randrange(8)
    area = str(rng.randrange(201, 990))
    if k == 0:
        return f"+1{area}{rng.randrange(200, 999)}{d(4)}"
    if k == 1:
        return f"({area}) {rng.randrange(200, 999)}-{d(4)}"
    if k == 2:
        return f"{area}-{rng.randrange(200, 999)}-{d(4)}"
    if k == 3:
        return f"+44 20 {d(4)} {d(4)}"
    if k == 4:
        return f"+49 30 {d(8)}"
    if k == 5:
        return f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}"
    if k == 6:
        return f"+1 {area}-{rng.randrange(200, 999)}-{d(4)}"
    return f"+34 6{d(2)} {d(3)} {d(3)}"


CARD_PREFIX = [("4", 16), ("4", 13), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16), ("3530", 16), ("36", 14)]


def _card(rng: Rng) -> str:
    p, n = rng.choice(CARD_PREFIX)
    c = luhn_complete(rng, p, n)
    k = rng.randrange(3)
    if k == 0 or n not in (15, 16):
        return c
    sep = rng.choice([" ", "-"])
    if n == 15:
        return sep.join([c[:4], c[4:10], c[10:]])
    return sep.join(c[i:i + 4] for i in range(0, 16, 4))


def _iban(rng: Rng) -> str:
    c = rng.choice(sorted(IBAN_SHAPES))
    v = iban(rng, c, IBAN_SHAPES[c])
    return v if rng.random() < 0.5 else " ".join(v[i:i + 4] for i in range(0, len(v), 4))


def _ssn(rng: Rng) -> str:
    while True:
        area = rng.randrange(1, 900)
        if area != 666:
            break
    sep = rng.choice(["-", "-", " "])
    return f"{area:03d}{sep}{rng.randrange(1, 100):02d}{sep}{rng.randrange(1, 10000):04d}"


MAKERS = {"email": _email, "phone": _phone, "card": _card, "iban": _iban, "ssn": _ssn}


def pii(rng: Rng, out: list, n: int) -> None:
    for family, make in MAKERS.items():
        for i in range(n):
            v = make(rng)
            out.append((f"pii_{family}", f"{family}_{i}", _carry(rng, v), [v]))


_ = (DIGITS, LOWER)

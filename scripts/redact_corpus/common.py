"""Random building blocks shared by the positive and negative generators."""

from __future__ import annotations

import random
import string

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
WORDS = (
    "apple river stone cloud maple orbit velvet tiger candle harbor meadow pixel silver lemon "
    "rocket garden copper falcon winter amber cactus violet marble shadow forest"
).split()


class Rng(random.Random):
    """random.Random with the string helpers the generators need."""

    def s(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.choice(alphabet) for _ in range(n))

    def hexs(self, n: int) -> str:
        return self.s(n, HEX)

    def digits(self, n: int) -> str:
        return self.s(n, DIGITS)

    def password(self) -> str:
        """A password as people and generators make them (random shape)."""
        kind = self.randrange(5)
        if kind == 0:
            return self.choice(WORDS).capitalize() + self.digits(self.randrange(2, 5)) + self.choice("!?#$%*")
        if kind == 1:
            return self.s(self.randrange(12, 25), ALNUM + "!#$%^&*()-_=+")
        if kind == 2:
            return "-".join(self.sample(WORDS, 3)) + self.digits(2)
        if kind == 3:
            return self.s(self.randrange(16, 33), ALNUM)
        return self.s(3, LOWER) + self.digits(3) + self.s(3, UPPER)

    def token(self, lo: int = 20, hi: int = 48) -> str:
        return self.s(self.randrange(lo, hi), ALNUM)

    def word(self) -> str:
        return self.choice(WORDS)


def luhn_ok(d: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(d)):
        v = int(c)
        if i % 2 == 1:
            v = v * 2 - 9 if v * 2 > 9 else v * 2
        total += v
    return total % 10 == 0


def luhn_complete(rng: Rng, prefix: str, length: int) -> str:
    body = prefix + rng.digits(length - len(prefix) - 1)
    for last in DIGITS:
        if luhn_ok(body + last):
            return body + last
    raise AssertionError(body)


def iban(rng: Rng, country: str, bban_shape: str) -> str:
    """An IBAN with a valid mod-97 check: shape letters a = A-Z, n = 0-9, c = either."""
    pick = {"a": UPPER, "n": DIGITS, "c": UPPER + DIGITS}
    bban = "".join(rng.choice(pick[k]) for k in bban_shape)
    moved = bban + country + "00"
    num = int("".join(str(int(ch, 36)) for ch in moved))
    return f"{country}{98 - num % 97:02d}{bban}"


IBAN_SHAPES = {
    "DE": "n" * 18,
    "FR": "n" * 10 + "c" * 11 + "nn",
    "GB": "aaaa" + "n" * 14,
    "ES": "n" * 20,
    "NL": "aaaa" + "n" * 10,
    "IT": "a" + "n" * 10 + "c" * 12,
    "BE": "n" * 12,
    "CH": "n" * 5 + "c" * 12,
    "AT": "n" * 16,
    "PL": "n" * 24,
    "IE": "aaaa" + "n" * 14,
    "PT": "n" * 21,
    "SE": "n" * 20,
    "DK": "n" * 14,
    "NO": "n" * 11,
    "LU": "nnn" + "c" * 13,
}

"""Positive cases per family: {"family", "name", "input", "secrets"}."""

from __future__ import annotations

import base64
import json
import shlex

from .carriers import named, unnamed
from .common import ALNUM, B64, DIGITS, HEX, IBAN_SHAPES, LOWER, UPPER, WORDS, Rng, iban, luhn_complete
from .vendors import VENDORS

# Credential and identifier names in English, German, French and Spanish.
SECRET_KEYS = {
    "password": "password passwd pwd db_pass db_password admin_password smtp_pass userPassword new_password Passwort Kennwort "
    "mot_de_passe motDePasse mdp contraseña contrasena clave passphrase",
    "token": "access_token refresh_token auth_token id_token session_token jeton jeton_d_acces token_de_acceso Zugangstoken bot_token",
    "api_key": "api_key apiKey x-api-key DD_API_KEY datadog_api_key heroku_api_key mailgun_api_key cle_api clave_api api_schluessel",
    "secret": "client_secret secret webhook_secret cle_secrete clave_secreta geheimnis app_secret",
    "pin": "pin card_pin pin_code PIN Geheimzahl code_pin",
    "otp": "otp totp mfa_code otp_code two_factor_code verification_code code_de_verification codigo_de_verificacion Bestaetigungscode",
    "security_answer": "security_answer secret_answer respuesta_secreta reponse_secrete Sicherheitsantwort",
    "card": "cvv cvv2 cvc card_number Kartennummer numero_de_carte numero_de_tarjeta",
    "iban": "iban IBAN bank_iban",
    "account_number": "account_number bank_account_number Kontonummer numero_de_compte numero_de_cuenta routing_number",
    "seed_phrase": "seed_phrase mnemonic recovery_phrase wallet_seed",
    "ssn": "ssn social_security_number Sozialversicherungsnummer numero_de_securite_sociale numero_seguridad_social",
    "national_id": "national_id tax_id Steuernummer steuer_id dni nie nif passport_number Reisepassnummer numero_de_passeport "
    "numero_de_pasaporte driver_license_number Personalausweisnummer",
}


def _value(rng: Rng, label: str):
    if label in ("pin",):
        return rng.choice([rng.digits(4), int("1" + rng.digits(rng.randrange(3, 6))), rng.digits(6)])
    if label == "otp":
        return rng.choice([rng.digits(6), int(str(rng.randrange(1, 10)) + rng.digits(5)), rng.digits(8)])
    if label == "security_answer":
        return rng.choice([f"{rng.word()} {rng.word()}", rng.word().capitalize() + rng.digits(4), f"the {rng.word()} on {rng.word()} street"])
    if label == "card":
        return rng.choice([rng.digits(3), int(rng.randrange(100, 10000)), luhn_complete(rng, "4", 16)])
    if label == "iban":
        c = rng.choice(sorted(IBAN_SHAPES))
        return iban(rng, c, IBAN_SHAPES[c])
    if label == "account_number":
        return rng.choice([rng.digits(rng.randrange(8, 13)), int("7" + rng.digits(9))])
    if label == "seed_phrase":
        return " ".join(rng.choice(WORDS) for _ in range(rng.choice([12, 24])))
    if label == "ssn":
        return f"{rng.randrange(100, 666)}-{rng.randrange(10, 100)}-{rng.randrange(1000, 10000)}"
    if label == "national_id":
        return rng.choice([rng.digits(8) + rng.choice(UPPER), rng.s(2, UPPER) + rng.digits(7), rng.digits(11)])
    if label in ("token", "api_key"):
        return rng.choice([rng.token(24, 64), rng.hexs(32), rng.s(40, ALNUM + "-_")])
    return rng.password()


def secret_names(rng: Rng, out: list, n: int) -> None:
    """Any value under a credential or identifier name, any type."""
    flat = [(label, k) for label, keys in SECRET_KEYS.items() for k in keys.split()]
    for i in range(n):
        label, key = rng.choice(flat)
        v = _value(rng, label)
        out.append(("secret_key_name", f"{key}_{i}", named(rng, key, v), [str(v)]))


SOFT_KEYS = "signing_key hmac_key encryption_key master_key webhook_signing_key jwt_signing_key app_key AccountKey " \
    "SharedAccessKey license_key private_signing_key kms_data_key secret_key_base dek wrapping_key session_key"


def high_entropy(rng: Rng, out: list, n: int) -> None:
    """Generated key material under a name ending in key (or naming a secret)."""
    keys = SOFT_KEYS.split()
    for i in range(n):
        key = rng.choice(keys)
        kind = rng.randrange(4)
        if kind == 0:
            v = rng.hexs(rng.choice([32, 40, 64]))
        elif kind == 1:
            v = base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.choice([16, 24, 32, 48, 64])))).decode()
        elif kind == 2:
            v = rng.s(rng.randrange(20, 60))
        else:
            v = base64.urlsafe_b64encode(bytes(rng.randrange(256) for _ in range(32))).decode().rstrip("=")
        out.append(("high_entropy_key", f"{key}_{i}", named(rng, key, v), [v]))


def vendor_tokens(rng: Rng, out: list, per_vendor: int) -> None:
    for name, make in VENDORS:
        for i in range(per_vendor):
            tok = make(rng)
            out.append(("vendor_token", f"{name}_{i}", unnamed(rng, tok), [tok]))


def jwts(rng: Rng, out: list, n: int) -> None:
    def b64u(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    for i in range(n):
        alg = rng.choice(["HS256", "RS256", "ES256", "EdDSA", "PS512", "none"])
        header = {"alg": alg, "typ": "JWT"} if rng.random() < 0.6 else {"kid": rng.hexs(16), "alg": alg}
        claims = {"sub": rng.digits(8), "iat": 1700000000 + rng.randrange(10**7), "exp": 1800000000}
        if rng.random() < 0.5:
            claims["email"] = f"{rng.word()}@example.com"
        sig = "" if alg == "none" else rng.s(rng.choice([43, 86, 342]), ALNUM + "-_")
        tok = f"{b64u(header)}.{b64u(claims)}.{sig}"
        out.append(("jwt", f"jwt_{i}", unnamed(rng, tok), [tok.split(".")[1]]))

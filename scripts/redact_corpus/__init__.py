"""Seeded generators of the redaction family corpus (scripts/gen_redact_families.py)."""

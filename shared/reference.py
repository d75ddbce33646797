"""Reference numbers people read aloud on the phone: eight digits, shown in two groups (``4821 7730``).

A reference names a submission to the office; it is not a secret (lookups that reveal anything still need
the ID number and name, or the long unguessable id). Pure functions: the API draws them, both apps show them.
"""

from __future__ import annotations

import secrets

DIGITS = 8


def new_reference() -> str:
    """Eight random digits, never starting with 0 (a leading zero gets lost when people write it down)."""
    return str(10 ** (DIGITS - 1) + secrets.randbelow(9 * 10 ** (DIGITS - 1)))


def group(reference: str) -> str:
    """``48217730`` → ``4821 7730`` (groups of four, for reading and typing); anything else unchanged."""
    if not reference.isdigit():
        return reference
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def parse(text: str) -> str | None:
    """What a person typed (spaces, dashes allowed) → the eight digits, or None."""
    digits = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    return digits if len(digits) == DIGITS and digits.isdigit() else None

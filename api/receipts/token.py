"""The signed receipt token: the masked facts of one certification, verifiable without the database.

Payload: compact JSON ``{"r": receipt id, "n": masked name, "i": masked ID, "m": method, "d": date,
"u": valid until}`` signed with HMAC-SHA256 (purpose ``receipt/v1``) by :mod:`api.auth.signing`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from api.auth.signing import BadSignature, sign, unsign
from shared.enums import CertificationMethod

PURPOSE = "receipt/v1"


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    receipt_id: str
    holder_name: str  # masked
    holder_id: str  # masked
    method: CertificationMethod
    certified_on: date  # in the holder's time zone
    valid_until: date


def encode(facts: ReceiptFacts, *, key: str) -> str:
    payload = {
        "r": facts.receipt_id,
        "n": facts.holder_name,
        "i": facts.holder_id,
        "m": facts.method.value,
        "d": facts.certified_on.isoformat(),
        "u": facts.valid_until.isoformat(),
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return sign(text.encode("utf-8"), key=key, purpose=PURPOSE)


def decode(token: str, *, key: str) -> ReceiptFacts:
    """The facts of a token signed with this key; BadSignature for a tampered, foreign or malformed one."""
    payload = unsign(token, key=key, purpose=PURPOSE)
    try:
        raw = json.loads(payload.decode("utf-8"))
        return ReceiptFacts(
            receipt_id=str(raw["r"]),
            holder_name=str(raw["n"]),
            holder_id=str(raw["i"]),
            method=CertificationMethod(raw["m"]),
            certified_on=date.fromisoformat(raw["d"]),
            valid_until=date.fromisoformat(raw["u"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BadSignature("receipt payload is malformed") from exc

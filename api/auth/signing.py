"""Compact signed tokens: base64url(payload) "." base64url(HMAC-SHA256(key, purpose "|" payload)).

The purpose is part of the signed message, so a token signed for one use (a receipt) is never accepted for
another (a bearer token), even though both use the one configured secret key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


class BadSignature(ValueError):
    """The token is malformed, was signed with another key or for another purpose, or was altered."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadSignature("token is not valid base64url") from exc


def _mac(key: str, purpose: str, payload: bytes) -> bytes:
    return hmac.new(key.encode("utf-8"), purpose.encode("ascii") + b"|" + payload, hashlib.sha256).digest()


def sign(payload: bytes, *, key: str, purpose: str) -> str:
    return f"{_b64(payload)}.{_b64(_mac(key, purpose, payload))}"


def unsign(token: str, *, key: str, purpose: str) -> bytes:
    """The payload of a token this key signed for this purpose; BadSignature otherwise."""
    if not token or len(token) > 4096 or token.count(".") != 1:
        raise BadSignature("token is malformed")
    body, mac = token.split(".")
    payload = _unb64(body)
    if not hmac.compare_digest(_unb64(mac), _mac(key, purpose, payload)):
        raise BadSignature("token signature does not match")
    return payload

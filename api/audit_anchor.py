"""Signed anchors of the audit chains, kept outside the database.

``lifecert audit anchor`` (run periodically: a cron job or Kubernetes CronJob) verifies every chain, then
writes one JSON object — every chain's length and last hash, HMAC-signed with the audit key — to object
storage under ``LIFECERT_AUDIT__ANCHOR_PREFIX`` (a directory under the data directory, or a prefix in the
bucket; give it write-once rights in production). ``lifecert audit verify`` checks the latest anchor against
the database: each anchored chain must still hold at least as many events, and its event at the anchored
length must still have the anchored hash. Deleting the tail of a chain and rolling its head row back, or
rebuilding a chain, therefore fails verification even though the database alone looks consistent; an
anchor written or changed without the key fails its MAC.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.audit import AuditEvent, verify_chain
from api.core.db import utcnow
from api.core.storage import Storage

FORMAT = "lifecert-audit-anchor/1"
_DOMAIN = b"lifecert audit anchor\n"


class AnchorRefused(Exception):
    """The chains do not verify: an anchor would bless the damage."""


@dataclass(frozen=True, slots=True)
class AnchorReport:
    ok: bool
    anchor: str | None = None  # the object key of the anchor checked (None: no anchor yet)
    created_at: str | None = None
    chains: int = 0
    problem: str | None = None


def _canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def anchor_mac(key: bytes, body: dict) -> str:
    return hmac.new(key, _DOMAIN + _canonical(body), hashlib.sha256).hexdigest()


def write_anchor(
    session: Session, objects: Storage, *, prefix: str, key: bytes, now: datetime | None = None
) -> str:
    """Verify every chain and store a signed anchor of their heads; returns the anchor's object key."""
    report = verify_chain(session, key=key)
    if not report.ok:
        raise AnchorRefused(report.problem or "the audit chains do not verify")
    now = (now or utcnow()).astimezone(UTC)
    body = {
        "format": FORMAT,
        "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "chains": {chain: {"events": n, "head": h} for chain, (n, h) in sorted((report.heads or {}).items())},
    }
    document = {**body, "mac": anchor_mac(key, body)}
    name = f"{prefix}/{now:%Y/%m/%d}/{now:%Y%m%dT%H%M%S%fZ}.json"
    objects.put(name, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    return name


def latest_anchor(objects: Storage, prefix: str) -> str | None:
    keys = [o.key for o in objects.list(prefix) if o.key.endswith(".json")]
    return max(keys) if keys else None


def verify_anchor(session: Session, objects: Storage, *, prefix: str, key: bytes) -> AnchorReport:
    """Check the latest anchor: its signature, then every anchored chain against the database."""
    name = latest_anchor(objects, prefix)
    if name is None:
        return AnchorReport(True, problem=None)
    raw = objects.get(name)
    try:
        document = json.loads(raw or b"")
        mac = document.pop("mac")
        chains = document["chains"]
        valid = isinstance(mac, str) and hmac.compare_digest(anchor_mac(key, document), mac)
    except (ValueError, KeyError, TypeError, AttributeError):
        valid, chains = False, {}
    if not valid or document.get("format") != FORMAT:
        return AnchorReport(False, name, problem=f"anchor {name} is forged or altered (signature mismatch)")
    created = document.get("created_at")
    for chain, anchored in sorted(chains.items()):
        events, head = int(anchored["events"]), str(anchored["head"])
        if events == 0:
            continue
        stored = session.execute(
            sa.select(AuditEvent.hash).where(AuditEvent.chain == chain, AuditEvent.chain_seq == events)
        ).scalar_one_or_none()
        if stored is None:
            return AnchorReport(
                False,
                name,
                created,
                len(chains),
                f"chain {chain}: anchor {name} records {events} events but the database has fewer "
                "(events removed at the end)",
            )
        if stored != head:
            return AnchorReport(
                False,
                name,
                created,
                len(chains),
                f"chain {chain}: event {events} differs from the anchored head (the chain was rewritten)",
            )
    return AnchorReport(True, name, created, len(chains))

"""``lifecert feed pull DIR``: the scheduled import of feed files that data sources drop in a directory.

Layout: ``DIR/<source>/<kind>/*.csv`` (``<source>`` a registered data source, ``<kind>`` a feed kind it may
send). Each file is imported once as a batch of that source, with ``batch_id`` = the file's name and the
first 16 hex digits of its content's SHA-256 — so a file dropped again, or a run interrupted after the
import but before the move, changes nothing the second time. Afterwards the file moves to
``<kind>/done/<batch_id>.csv`` (or ``<kind>/failed/…`` when it could not be used at all) with its report
beside it (``<batch_id>.report.json``). Files younger than ``min_age`` seconds are left for the next run (a
sender still writing); one run at a time (a lock file in DIR). Safe to run from cron as often as wanted.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api.comparison.batches import BatchConflict, from_csv_bytes, submit_batch
from api.comparison.feed import FeedContext
from api.comparison.models import FeedKind
from api.comparison.rows import FeedFileError
from api.comparison.sources import SourceError, actor_of, by_name

LOCK_NAME = ".lifecert-feed-pull.lock"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class PullResult:
    done: list[Path] = field(default_factory=list)  # where each imported file went
    failed: list[Path] = field(default_factory=list)
    skipped_young: int = 0
    locked: bool = False  # another run holds the lock: nothing done


def batch_id_for(path: Path, content: bytes) -> str:
    stem = _UNSAFE.sub("_", path.stem).strip("._-") or "feed"
    return f"{stem[:100]}-{hashlib.sha256(content).hexdigest()[:16]}"


@contextmanager
def _lock(root: Path) -> Iterator[bool]:
    with (root / LOCK_NAME).open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def pending(root: Path) -> Iterator[tuple[str, str, Path]]:
    """(source, kind, file) of every file waiting, in a stable order."""
    for source_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for kind_dir in sorted(p for p in source_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for file in sorted(kind_dir.glob("*.csv")):
                if file.is_file():
                    yield source_dir.name, kind_dir.name, file


def pull(
    root: Path,
    open_session: Callable[[], Any],
    make_ctx: Callable[[str], FeedContext],
    *,
    min_age: float = 60.0,
) -> PullResult:
    """Import every waiting file, each in its own transaction (``open_session``: a context manager giving
    one committed-on-success session, e.g. ``session_scope(factory)``)."""
    result = PullResult()
    with _lock(root) as held:
        if not held:
            result.locked = True
            return result
        now = time.time()
        for source_name, kind_name, file in list(pending(root)):
            if now - file.stat().st_mtime < min_age:
                result.skipped_young += 1
                continue
            content = file.read_bytes()
            batch_id = batch_id_for(file, content)
            try:
                with open_session() as session:
                    report = _import(session, source_name, kind_name, batch_id, content, make_ctx)
            except _Unusable as exc:
                result.failed.append(
                    _move(file, "failed", batch_id, {"error": exc.code, "message": str(exc)})
                )
                continue
            result.done.append(_move(file, "done", batch_id, report))
    return result


class _Unusable(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _import(
    session: Session,
    source_name: str,
    kind_name: str,
    batch_id: str,
    content: bytes,
    make_ctx: Callable[[str], FeedContext],
) -> dict[str, Any]:
    try:
        source = by_name(session, source_name)
    except SourceError as exc:
        raise _Unusable("feed_source_unknown", str(exc)) from None
    if not source.active:
        raise _Unusable("feed_source_revoked", f"the data source {source_name!r} is revoked")
    try:
        kind = FeedKind(kind_name)
    except ValueError:
        raise _Unusable("feed_kind_unknown", f"{kind_name!r} is not a feed kind") from None
    if kind.value not in source.kinds:
        raise _Unusable("feed_kind_not_allowed", f"{source_name} may not send {kind.value} feeds")
    try:
        report, replayed = submit_batch(
            session, source, kind, batch_id, from_csv_bytes(kind, content), ctx=make_ctx(actor_of(source))
        )
    except FeedFileError as exc:
        raise _Unusable("feed_batch_unreadable", str(exc)) from None
    except BatchConflict:  # cannot happen with a content-derived id, unless the file was replaced mid-run
        raise _Unusable("feed_batch_conflict", f"batch {batch_id} was imported with other content") from None
    return {**report, "replayed": replayed}


def _move(file: Path, where: str, batch_id: str, report: dict[str, Any]) -> Path:
    target_dir = file.parent / where
    target_dir.mkdir(exist_ok=True)
    target = target_dir / f"{batch_id}.csv"
    report_path = target_dir / f"{batch_id}.report.json"
    tmp = report_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"file": file.name, **report}, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, report_path)
    os.replace(file, target)
    return target

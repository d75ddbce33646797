"""``lifecert retention purge``: delete evidence files (raw frames, uploads) past their retention date, and
the digests of sent frames (replay check) past theirs."""

from __future__ import annotations

import argparse


def cmd_retention_purge(args: argparse.Namespace) -> int:
    from api import audit
    from api.challenges import replay
    from api.core.db import make_engine, make_sessionmaker, session_scope, utcnow
    from api.core.settings import settings_for_command
    from api.core.storage import storage_for
    from api.evidence.storage import purge_expired

    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            result = purge_expired(session, storage_for(settings))
            digests = replay.purge(session, days=settings.certification.replay_digest_days, now=utcnow())
            if digests:
                audit.record(
                    session,
                    actor="system:retention",
                    action="frame_digest.purge",
                    entity_type="frame_digest",
                    entity_id="*",
                    after={"purged": digests},
                )
            if result.purged_files or result.orphans_removed:
                audit.record(
                    session,
                    actor="system:retention",
                    action="evidence.purge",
                    entity_type="evidence_file",
                    entity_id="*",
                    after={
                        "purged_files": result.purged_files,
                        "freed_bytes": result.freed_bytes,
                        "orphans_removed": result.orphans_removed,
                    },
                )
    finally:
        engine.dispose()
    print(
        f"purged {result.purged_files} files ({result.freed_bytes} bytes) past retention; "
        f"removed {result.orphans_removed} orphan files; deleted {digests} frame digests past retention"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    retention = sub.add_parser("retention", help="evidence retention").add_subparsers(
        dest="retention_command", metavar="ACTION"
    )
    retention.required = True
    p = retention.add_parser("purge", help="delete evidence files past their retention date")
    p.add_argument("--database-url", default=None)
    p.set_defaults(func=cmd_retention_purge)

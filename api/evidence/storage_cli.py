"""``lifecert storage seal-existing``: encrypt what was stored before encryption (api/evidence/seal.py)."""

from __future__ import annotations

import argparse


def cmd_seal_existing(args: argparse.Namespace) -> int:
    from api.core.db import make_engine, make_sessionmaker
    from api.core.settings import settings_for_command
    from api.core.storage import storage_for
    from api.evidence.seal import seal_existing

    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    try:
        report = seal_existing(make_sessionmaker(engine), storage_for(settings))
    finally:
        engine.dispose()
    print(
        f"sealed {report.evidence_sealed} evidence files stored in plaintext; "
        f"moved {report.references_moved} reference photos from the database to storage, sealed"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    storage = sub.add_parser(
        "storage", help="object storage (evidence, frames, reference photos)"
    ).add_subparsers(dest="storage_command", metavar="ACTION")
    storage.required = True
    p = storage.add_parser(
        "seal-existing", help="encrypt biometric files stored before encryption at rest (idempotent)"
    )
    p.add_argument("--database-url", default=None)
    p.set_defaults(func=cmd_seal_existing)

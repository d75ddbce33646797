"""Audit appends per second on PostgreSQL: every writer in one county (one chain head row) against each
writer in its own county (its own head row, api/audit.py).

Each transaction is what a certification does: append one event, then go on working while holding the
chain's append lock until commit (``--hold-ms`` of other work, a ``pg_sleep`` standing in for the receipt,
payment resumption and the rest of the transaction). Prints one JSON line.

    .venv/bin/python -m bench.audit_chains --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid

import sqlalchemy as sa


def _run(factory, regions: list[str], per_writer: int, hold_ms: float) -> float:
    from api.audit import record

    start = threading.Barrier(len(regions) + 1)
    errors: list[BaseException] = []

    def writer(region: str) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with factory() as s:
                    record(
                        s, actor="bench", action="bench.append", entity_type="t", entity_id=i, region=region
                    )
                    s.execute(sa.text("SELECT pg_sleep(:s)"), {"s": hold_ms / 1000})
                    s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(r,)) for r in regions]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return len(regions) * per_writer / seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="a PostgreSQL server URL (a scratch database is made)")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--per-writer", type=int, default=50)
    ap.add_argument("--hold-ms", type=float, default=5.0)
    args = ap.parse_args()

    from sqlalchemy.engine import make_url

    from api.audit import verify_chain
    from api.core.db import make_engine, make_sessionmaker, upgrade

    name = f"lifecert_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        engine = make_engine(url, pool_size=args.writers + 2)
        factory = make_sessionmaker(engine)
        one = _run(factory, ["110101"] * args.writers, args.per_writer, args.hold_ms)
        many = _run(factory, [f"{110101 + i}" for i in range(args.writers)], args.per_writer, args.hold_ms)
        with factory() as s:
            report = verify_chain(s)
        engine.dispose()
        print(
            json.dumps(
                {
                    "writers": args.writers,
                    "events_per_writer": args.per_writer,
                    "hold_ms": args.hold_ms,
                    "one_county_events_per_s": round(one, 1),
                    "own_county_events_per_s": round(many, 1),
                    "ratio": round(many / one, 2),
                    "verified": report.ok and report.checked == 2 * args.writers * args.per_writer,
                }
            )
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

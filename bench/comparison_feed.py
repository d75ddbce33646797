"""Data-comparison feed import: an N-row sign-of-life feed against an N-person roster.

    .venv/bin/python bench/comparison_feed.py --rows 100000            # SQLite in a temp dir
    .venv/bin/python bench/comparison_feed.py --rows 1000000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/comparison_feed.py --rows 1000000 --roster-cache /tmp/roster-1m.sqlite3   # SQLite:
        # the migrated, seeded roster database is kept there and copied for later runs (building 1M takes minutes)

Builds a fresh database (migrations), bulk-inserts the roster (one entitlement each; not timed as part of
the import), writes the feed CSV (0.1 % name mismatches, 0.1 % unknown ID numbers), then times
``import_feed`` end to end: CSV parsing and validation, matching, window rules, certification rows,
hash-chained audit events, one transaction. Prints the figures for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import api.models  # noqa: F401  (every model registered: foreign keys resolve)
from api.beneficiaries.models import Beneficiary, Entitlement
from api.comparison.models import FeedKind
from api.comparison.service import FeedContext, import_feed
from api.core.db import make_engine, make_sessionmaker, upgrade
from api.core.region_paths import RegionPaths
from api.regions.models import Region
from shared.enums import BenefitType, PaymentState, RegionLevel, ResidenceKind
from shared.idnumber import make_id_number
from shared.policy import PolicyTable

FIRST_BIRTH = date(1940, 1, 1)
BIRTH_DAYS = 25 * 365
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"


def person(i: int) -> tuple[str, str, date]:
    birth = FIRST_BIRTH + timedelta(days=i % BIRTH_DAYS)
    number = make_id_number("110101", birth, (i // BIRTH_DAYS) % 1000)
    name = NAMES[i % len(NAMES)] + NAMES[(i // 7) % len(NAMES)] + NAMES[(i // 49) % len(NAMES)]
    return number, name, birth


def seed(url: str, n: int) -> float:
    started = time.perf_counter()
    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for code, name, level, parent in [
            ("11", "北京市", RegionLevel.PROVINCE, None),
            ("1101", "市辖区", RegionLevel.CITY, "11"),
            ("110101", "东城区", RegionLevel.COUNTY, "1101"),
        ]:
            conn.execute(
                sa.insert(Region),
                [{"code": code, "name": name, "level": level, "parent_code": parent, "created_at": now}],
            )
    step = 20_000
    for start in range(0, n, step):
        people, ents = [], []
        for i in range(start, min(n, start + step)):
            number, name, birth = person(i)
            people.append(
                {
                    "id": i + 1,
                    "id_number": number,
                    "name": name,
                    "sex": "male" if int(number[16]) % 2 else "female",
                    "birth_date": birth,
                    "region_code": "110101",
                    "residence_kind": ResidenceKind.DOMESTIC,
                    "time_zone": "Asia/Shanghai",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            ents.append(
                {
                    "id": i + 1,
                    "beneficiary_id": i + 1,
                    "benefit_type": BenefitType.ENTERPRISE_PENSION,
                    "monthly_cents": 312_550,
                    "payment_state": PaymentState.ACTIVE,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with engine.begin() as conn:
            conn.execute(sa.insert(Beneficiary), people)
            conn.execute(sa.insert(Entitlement), ents)
    engine.dispose()
    return time.perf_counter() - started


def write_feed(path: Path, n: int, today: date) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id_number", "name", "event_date", "source"])
        for i in range(n):
            number, name, _ = person(i)
            if i % 1000 == 1:
                name = name[::-1] + "某"  # a name mismatch → review list
            if i % 1000 == 2:
                number = make_id_number("110102", FIRST_BIRTH, i % 1000)  # not on the roll
            w.writerow([number, name, today.isoformat(), "medical_insurance"])


def _people_in(db: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as c:
            return c.execute(sa.text("SELECT count(*) FROM beneficiaries")).scalar_one()
    except sa.exc.SQLAlchemyError:
        return -1
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--pg", metavar="SERVER_URL", help="PostgreSQL server URL (a scratch database is created)"
    )
    parser.add_argument(
        "--roster-cache",
        metavar="PATH",
        type=Path,
        help="SQLite only: reuse the seeded roster database at PATH (built and saved there when missing)",
    )
    parser.add_argument(
        "--steps",
        action="store_true",
        help="PostgreSQL: also print the wall time of each step of the set-based import",
    )
    args = parser.parse_args()
    steps = _time_steps() if args.steps else None
    work = Path(tempfile.mkdtemp(prefix="lifecert-feed-bench-"))
    drop = None
    if args.pg:
        from sqlalchemy.engine import make_url

        name = f"lifecert_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    try:
        cache = args.roster_cache if not args.pg else None
        if cache is not None and cache.exists() and _people_in(cache) != args.rows:
            print(f"roster cache {cache} holds another number of people: rebuilding it")
            cache.unlink()
        if cache is not None and cache.exists():
            shutil.copyfile(cache, work / "bench.sqlite3")
            print(f"roster: {args.rows:,} people copied from {cache} (built by an earlier run)")
        else:
            upgrade(url)
            seconds_seed = seed(url, args.rows)
            print(
                f"roster: {args.rows:,} people + entitlements inserted in {seconds_seed:.1f} s "
                "(setup, not the figure)"
            )
            if cache is not None:
                shutil.copyfile(work / "bench.sqlite3", cache)
        today = date.today()
        feed = work / "feed.csv"
        t0 = time.perf_counter()
        write_feed(feed, args.rows, today)
        load_before = os.getloadavg()[0]
        print(
            f"feed: {args.rows:,} rows written in {time.perf_counter() - t0:.1f} s, {feed.stat().st_size / 1e6:.1f} MB"
        )
        engine = make_engine(url)
        ctx = FeedContext(policy=PolicyTable(), region_paths=RegionPaths(), today=today, actor="system:bench")
        with make_sessionmaker(engine)() as session:
            t0, c0 = time.perf_counter(), time.process_time()
            report = import_feed(session, FeedKind.SIGN_OF_LIFE, feed, ctx=ctx)
            session.commit()
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        engine.dispose()
        backend = "PostgreSQL" if args.pg else "SQLite"
        print(
            f"import ({backend}): {report.rows:,} rows in {seconds:.1f} s = {report.rows / seconds:,.0f} rows/s; "
            f"{report.applied:,} certified, {report.mismatched:,} to review, {len(report.errors):,} rejected; "
            f"CPU time of this process {cpu:.1f} s ({cpu / report.rows * 1e6:.0f} µs/row); "
            f"1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        )
        if steps is not None:
            timed = sum(sec for name, sec in steps.items() if name != AUDIT_EVENTS)  # inside the audit step
            parts = ", ".join(f"{name} {sec:.1f} s" for name, sec in steps.items())
            print(f"steps: {parts}; staging COPY, candidates join and the rest {seconds - timed:.1f} s")
        return 0
    finally:
        if drop:
            drop()
        shutil.rmtree(work, ignore_errors=True)


AUDIT_EVENTS = "of which audit events (MACs + COPY)"


def _time_steps() -> dict[str, float]:
    """Wrap the set-based import's steps (api/comparison/signs_of_life_sql.py) with wall-clock timers; the
    audit events' MACs + COPY are timed apart from the rest of their step."""
    import functools

    from api.comparison import signs_of_life_sql

    totals: dict[str, float] = {}

    def timed(module: object, name: str, label: str) -> None:
        inner = getattr(module, name)

        @functools.wraps(inner)
        def wrapper(*args: object, **kwargs: object) -> object:
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - t

        setattr(module, name, wrapper)

    for name in (
        "_not_on_roll",
        "_outside",
        "_names",
        "open_mismatches",
        "_windows",
        "_refusals",
        "_certify",
    ):
        timed(signs_of_life_sql, name, name.lstrip("_"))
    timed(signs_of_life_sql, "append_many", AUDIT_EVENTS)
    timed(signs_of_life_sql, "_audit_and_resume", "audit step")
    return totals


if __name__ == "__main__":
    raise SystemExit(main())

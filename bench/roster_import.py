"""Roster import throughput: N synthetic rows (default 1,000,000) into an empty database.

    .venv/bin/python bench/roster_import.py --rows 1000000 --backend sqlite
    LIFECERT_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/roster_import.py --rows 1000000 --backend postgresql

Prints the CSV generation time (not part of the figure), the import wall time (validation of every row,
duplicate and region checks, bulk writes, commit), rows per second, the CPU time of this process (on
PostgreSQL the server's COPY and index work is not included) and the load average (the machine is shared:
wall time stretches when other jobs run). Target: 1,000,000 rows ≤ 60 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench._roster_data import FreshDatabase, write_roster_csv


def sched_seconds() -> tuple[float, float]:
    """(on-CPU, waiting-for-a-CPU) seconds of this thread, from /proc/self/schedstat (0, 0 if absent)."""
    try:
        on_cpu, waiting, _ = Path("/proc/thread-self/schedstat").read_text().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    ap.add_argument("--pg-url", help="server URL (default: $LIFECERT_BENCH_PG_URL)")
    ap.add_argument("--workdir", type=Path, help="where to put the CSV and SQLite file (default: a temp dir)")
    args = ap.parse_args()

    from api.core.db import make_engine
    from api.roster.service import import_roster

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        csv_path = write_roster_csv(work / "roster.csv", args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size_mb:.0f} MB CSV) in {time.perf_counter() - t0:.1f} s")
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            db = FreshDatabase(backend, work, args.pg_url)
            engine = make_engine(db.url)
            commit_at: list[float] = []
            sa.event.listen(engine, "commit", lambda _conn, at=commit_at: at.append(time.perf_counter()))
            try:
                load = os.getloadavg()[0]
                (r0, q0), t0, c0 = sched_seconds(), time.perf_counter(), time.process_time()
                report = import_roster(engine, csv_path)
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                r1, q1 = sched_seconds()
                end = t0 + wall
            finally:
                engine.dispose()
                db.drop()
            if not report.imported:
                print(f"{backend}: import refused: {report.errors[:5]}")
                return 1
            print(
                f"{backend}: imported {report.rows:,} rows ({report.beneficiaries:,} people, "
                f"{report.entitlements:,} entitlements) in {wall:.1f} s wall = {report.rows / wall:,.0f} rows/s; "
                f"this process used {cpu:.1f} s CPU; 1-min load average {load:.1f} → {os.getloadavg()[0]:.1f}"
            )
            # Where the wall time went: on a CPU, runnable but waiting for one (other jobs), or blocked
            # (disk I/O, fsync, waiting for the database server).
            on_cpu, queued = r1 - r0, q1 - q0
            commit = end - commit_at[-1] if commit_at else float("nan")
            print(
                f"{backend}: wall {wall:.1f} s = on CPU {on_cpu:.1f} s + waiting for a CPU {queued:.1f} s"
                f" + blocked/other {wall - on_cpu - queued:.1f} s; final commit {commit:.1f} s"
                f" ({cpu * 1e6 / max(1, report.rows):.0f} µs CPU per row)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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

from bench._roster_data import FreshDatabase, write_roster_csv


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    ap.add_argument("--pg-url", help="server URL (default: $LIFECERT_BENCH_PG_URL)")
    ap.add_argument("--workdir", type=Path, help="where to put the CSV and SQLite file (default: a temp dir)")
    args = ap.parse_args()

    from api.db import make_engine
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
            try:
                t0, c0 = time.perf_counter(), time.process_time()
                report = import_roster(engine, csv_path)
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            finally:
                engine.dispose()
                db.drop()
            if not report.imported:
                print(f"{backend}: import refused: {report.errors[:5]}")
                return 1
            print(
                f"{backend}: imported {report.rows:,} rows ({report.beneficiaries:,} people, "
                f"{report.entitlements:,} entitlements) in {wall:.1f} s wall = {report.rows / wall:,.0f} rows/s; "
                f"this process used {cpu:.1f} s CPU; 1-min load average {os.getloadavg()[0]:.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

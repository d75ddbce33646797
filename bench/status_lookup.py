"""Status lookups per second and latency with N beneficiaries (default 1,000,000), over real HTTP.

    .venv/bin/python bench/status_lookup.py --people 1000000 --backend sqlite
    LIFECERT_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/status_lookup.py --people 1000000 --backend postgresql [--pgbouncer]

Builds a fresh database with N people (through the roster import; a passed certification for every
third person), starts `uvicorn api.main:app` as a
separate process (rate limit off, no access log), and drives ``POST /api/v1/status`` from this process with
C concurrent keep-alive connections (a minimal asyncio HTTP/1.1 client, so the client costs little CPU)
for a fixed time, asking for random people (90 % correct name, 10 % wrong name → 404). Prints requests/s,
p50/p90/p99 latency, and the CPU time per request of the server, of PostgreSQL's backends and of the load
generator (load-independent, unlike the wall figures). Target on the 2-core machine: ≥ 2,000 req/s with p99 ≤ 50 ms.
The client shares the machine's cores with the server: on 2 cores that costs the server part of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._roster_data import FreshDatabase, rows, write_roster_csv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_people(n: int, k: int, seed: int = 11) -> list[tuple[str, str]]:
    step = max(1, n // k)
    return [(r[0], r[1]) for i, r in enumerate(rows(n)) if i % step == 0]


def add_certifications(engine) -> None:
    """A passed certification for every third person (so lookups read some history)."""
    import sqlalchemy as sa

    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO certifications (beneficiary_id, window_start, window_end, method, operator_kind,"
                " result, evidence, certified_at, local_date, created_at)"
                " SELECT id, '2026-01-01', '2026-12-31', 'self_face', 'self', 'passed', '[]',"
                " '2026-06-01 02:00:00.000000', '2026-06-01', '2026-06-01 02:00:00.000000'"
                " FROM beneficiaries WHERE id % 3 = 0"
            )
        )


def start_server(
    url: str, port: int, workers: int, through_pgbouncer: bool = False
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LIFECERT_DATABASE_URL": url,
        # PgBouncer in transaction mode hands a connection to another client between transactions, so the
        # server must not prepare statements on it (as the cluster's replicas, build/deploy/local/cluster.py)
        "LIFECERT_DATABASE_PREPARED_STATEMENTS": "false" if through_pgbouncer else "true",
        "LIFECERT_LIMITS__ENABLED": "false",
        # Test mode only so the server does not spend its first minute loading the face models in the
        # background (the status lookup never uses them; once loaded they cost no CPU).
        "LIFECERT_ENV": "test",
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=Path(__file__).resolve().parents[1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("server did not start")


async def drive(
    port: int,
    people: list[tuple[str, str]],
    concurrency: int,
    warmup: float,
    duration: float,
    server_pid: int,
    db_name: str | None = None,
):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    t_start = time.perf_counter()
    t_measure = t_start + warmup
    t_end = t_measure + duration

    # Requests built up front, so the load generator spends its CPU on the wire, not on JSON.
    right = [_request(i, n) for i, n in people]
    wrong = [_request(i, n + "错") for i, n in people]

    async def worker(seed: int) -> None:
        rnd = random.Random(seed)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                now = time.perf_counter()
                if now >= t_end:
                    return
                writer.write(rnd.choice(wrong if rnd.random() < 0.1 else right))
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                done = time.perf_counter()
                if now >= t_measure:
                    latencies.append(done - now)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    async def cpu_meter() -> tuple[float, float, float]:
        """CPU seconds in the measured window: server, PostgreSQL backends of its database, this client."""
        await asyncio.sleep(max(0.0, t_measure - time.perf_counter()))
        before = cpu_seconds(server_pid), backend_cpu_seconds(db_name), time.process_time()
        await asyncio.sleep(max(0.0, t_end - time.perf_counter()))
        after = cpu_seconds(server_pid), backend_cpu_seconds(db_name), time.process_time()
        return after[0] - before[0], after[1] - before[1], after[2] - before[2]

    meter = asyncio.ensure_future(cpu_meter())
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return latencies, statuses, duration, await meter


def _request(id_number: str, name: str) -> bytes:
    body = json.dumps({"id_number": id_number, "name": name}, ensure_ascii=False).encode()
    return (
        b"POST /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its direct children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")

    def one(p: int) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    total = one(pid)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                total += one(int(entry.name))
    return total


def backend_cpu_seconds(db_name: str | None) -> float:
    """User + system CPU time of the PostgreSQL backend processes serving ``db_name`` (0 for SQLite)."""
    if not db_name:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f" {db_name} ".encode() not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def run_server(url: str, backend: str, workers: int, people: list[tuple[str, str]], args) -> None:
    port = free_port()
    bouncer = None
    db_name = make_url(url).database if backend == "postgresql" else None
    if db_name and args.pgbouncer:
        bouncer = start_pgbouncer(url, db_name)
        url = bouncer.url(db_name)
    server = start_server(url, port, workers, through_pgbouncer=bouncer is not None)
    load_before = f"{os.getloadavg()[0]:.1f}"
    try:
        lat, statuses, secs, (cpu, pg_cpu, client_cpu) = asyncio.run(
            drive(port, people, args.concurrency, args.warmup, args.duration, server.pid, db_name)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if bouncer is not None:
            bouncer.stop()
    lat.sort()
    ms = [percentile(lat, p) * 1000 for p in (50, 90, 99)]
    load = f"{os.getloadavg()[0]:.1f}"
    print(
        f"{backend}: 1-min load average {load_before} → {load}; {len(lat) / secs:,.0f} req/s over {secs:.0f} s, "
        f"{workers} worker(s), {args.concurrency} connections"
        + (" through PgBouncer (transaction pooling)" if bouncer is not None else "")
        + f"; latency p50 {ms[0]:.1f} ms, p90 {ms[1]:.1f} ms, "
        f"p99 {ms[2]:.1f} ms; server CPU {cpu * 1000 / max(1, len(lat)):.2f} ms/request "
        f"(= {len(lat) / max(cpu, 1e-9):,.0f} req/s per fully available core)"
        + (f", PostgreSQL backends {pg_cpu * 1000 / max(1, len(lat)):.2f} ms/request" if db_name else "")
        + f", load generator {client_cpu * 1000 / max(1, len(lat)):.2f} ms/request; "
        f"statuses {dict(sorted(statuses.items()))}",
        flush=True,
    )


def start_pgbouncer(url: str, db_name: str):
    """PgBouncer (Debian's, transaction pooling) in front of the server of ``url``, as the production
    path has it (build/deploy/local/cluster.py's PgBouncer class: the bench and the cluster configure it
    alike)."""
    from types import SimpleNamespace

    from bench.cluster_load import load_cluster_module

    cluster = load_cluster_module()
    workdir = cluster.make_workdir("lifecert-bench-pgbouncer-")
    target = SimpleNamespace(port=make_url(url).port or 5432)
    bouncer = cluster.PgBouncer(workdir, target, (db_name,))
    bouncer.start()
    return bouncer


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    ap.add_argument("--pg-url", help="server URL (default: $LIFECERT_BENCH_PG_URL)")
    ap.add_argument("--workers", default="1", help="uvicorn worker processes; a list (1,2) runs each in turn")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument(
        "--pgbouncer",
        action="store_true",
        help="PostgreSQL: the server reaches the database through PgBouncer (the production path)",
    )
    args = ap.parse_args()

    from api.core.db import make_engine
    from api.roster.service import import_roster

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        csv_path = write_roster_csv(work / "roster.csv", args.people)
        people = sample_people(args.people, 20_000)
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            db = FreshDatabase(backend, work, args.pg_url)
            try:
                engine = make_engine(db.url)
                t0 = time.perf_counter()
                report = import_roster(engine, csv_path)
                assert report.imported, report.errors[:3]
                add_certifications(engine)
                engine.dispose()
                print(
                    f"{backend}: {report.beneficiaries:,} people loaded in {time.perf_counter() - t0:.0f} s"
                )
                for workers in [int(w) for w in args.workers.split(",")]:
                    run_server(db.url, backend, workers, people, args)
            finally:
                db.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

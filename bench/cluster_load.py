"""Load and fault test of the production shape: HAProxy → API replicas → PgBouncer → PostgreSQL primary +
standby, Redis (build/deploy/local/cluster.py), driven through HAProxy while parts fail.

    .venv/bin/python bench/cluster_load.py [--quick] [--clients 6] [--duration 240]

1. Scaling: face decisions per second (challenge + 30 real frames of ../shared/faces/videos/d10.mp4 → passed)
   with one replica (its own port) and with two (through HAProxy), same number of client threads.
2. Faults: a mix of status lookups, certifications (challenge + frames) and receipt checks through HAProxy
   while the run kills one replica with SIGKILL and restarts it, stops the object storage (SeaweedFS) for
   10 s, restarts Redis, and stops the standby (and starts it again). Every certification retries with the
   same Idempotency-Key on a connection error, a 502/503/504 or a 409 "in progress" (honouring Retry-After),
   as the apps do.

Prints one JSON line: requests and errors by kind, certifications attempted / recorded / lost / duplicated
(one bench person per certification: a person with no certification row after an attempt is lost, one with
more than one is duplicated), server_errors (500s; 503s counted apart), p50/p99 per endpoint, decisions per
second with 1 and 2 replicas and their ratio as ``scaling``. ``--quick`` keeps the whole run under 10 minutes.
The replicas run with LIFECERT_ENV=test only to fix the challenge actions to the ones the clip performs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RETRYABLE = {409, 502, 503, 504}
last_answer = threading.local()  # the passed answer of this thread's last certification (its receipt)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.server_errors = 0
        self.unavailable = 0

    def record(self, kind: str, status: int | None, ms: float) -> None:
        with self.lock:
            self.requests[kind] += 1
            self.latency[kind].append(ms)
            if status is None:
                self.errors[f"{kind}:connection"] += 1
            elif status >= 400:
                self.errors[f"{kind}:{status}"] += 1
            if status == 500:
                self.server_errors += 1
            elif status == 503:
                self.unavailable += 1


def timed(rec: Recorder, kind: str, send):
    import httpx

    start = time.perf_counter()
    try:
        resp = send()
    except httpx.TransportError:
        rec.record(kind, None, (time.perf_counter() - start) * 1000)
        return None
    rec.record(kind, resp.status_code, (time.perf_counter() - start) * 1000)
    return resp


def camera_copy(frames) -> dict:
    """The clip's frames as one new capture: each JPEG gets a comment segment with a fresh id, so no two
    certifications send the same bytes (a camera never does; the API refuses frames already sent to an
    earlier challenge as a replay, api/challenges/replay.py) while the pictures stay the clip's."""
    from tests.api.cert.clips import multipart

    tag = uuid.uuid4().bytes
    segment = b"\xff\xfe" + (len(tag) + 2).to_bytes(2, "big") + tag
    return multipart(tuple((data[:2] + segment + data[2:], t) for data, t in frames))


def certify(client, rec: Recorder, person: tuple[str, str], frames, deadline_s: float = 120.0) -> str:
    """One certification as the app does it: a challenge, then the frames (a new capture of the clip,
    ``camera_copy``), retried with the same key and the same bytes. Returns the final outcome ("passed",
    "failed", "gave_up:<why>"); the last answer is in ``last_answer``."""
    upload = camera_copy(frames)
    end = time.monotonic() + deadline_s
    challenge = None
    while challenge is None:
        resp = timed(
            rec,
            "challenge",
            lambda: client.post("/api/v1/challenges", json={"id_number": person[0], "name": person[1]}),
        )
        if resp is not None and resp.status_code in (200, 201):
            challenge = resp.json()["challenge_id"]
        elif time.monotonic() > end or (resp is not None and resp.status_code not in RETRYABLE | {429}):
            return f"gave_up:challenge_{resp.status_code if resp is not None else 'connection'}"
        else:
            time.sleep(_wait(resp))
    key = uuid.uuid4().hex
    path = f"/api/v1/challenges/{challenge}/frames"
    while True:
        resp = timed(rec, "frames", lambda: client.post(path, headers={"Idempotency-Key": key}, **upload))
        if resp is not None and resp.status_code == 200:
            last_answer.value = resp.json()
            return resp.json()["result"]
        if time.monotonic() > end or (resp is not None and resp.status_code not in RETRYABLE):
            return f"gave_up:frames_{resp.status_code if resp is not None else 'connection'}"
        time.sleep(_wait(resp))


def _wait(resp) -> float:
    if resp is not None and resp.headers.get("Retry-After", "").isdigit():
        return min(float(resp.headers["Retry-After"]), 10.0)
    return 0.5


def seed_people(url: str, count: int, tag: str) -> list[tuple[str, str]]:
    """``count`` people with the clip's face as their reference (one template computed here, offline)."""
    from api.beneficiaries.models import Beneficiary, Entitlement, ReferenceFace
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from face.config import FaceConfig
    from face.engine import FaceEngine
    from shared.enums import BenefitType, ReferenceSource
    from shared.idnumber import make_id_number
    from tests.api.cert.clips import reference_photo
    from tests.api.factories import ensure_regions

    template = FaceEngine(FaceConfig()).enrol(reference_photo())
    engine = make_engine(url)
    people = []
    with session_scope(make_sessionmaker(engine)) as session:
        region = ensure_regions(session)
        base = int(tag, 16) % 500
        for i in range(count):
            birth = date(1940 + (base + i // 900) % 30, 1 + i % 12, 1 + (i // 12) % 28)
            number = make_id_number(region, birth, 100 + i % 800)
            person = Beneficiary(
                id_number=number, name="负载测", sex="male", birth_date=birth, region_code=region
            )
            session.add(person)
            session.flush()
            session.add(
                Entitlement(
                    beneficiary_id=person.id, benefit_type=BenefitType.RESIDENT_PENSION, monthly_cents=20000
                )
            )
            session.add(
                ReferenceFace(
                    beneficiary_id=person.id,
                    source=ReferenceSource.ONSITE_ENROLMENT,
                    template=list(template.vector),
                    model_name=template.model,
                    detector=template.detector,
                )
            )
            people.append((number, "负载测"))
    engine.dispose()
    return people


def decisions_per_second(base_url: str, people, frames, clients: int, seconds: float) -> tuple[float, int]:
    import httpx

    rec = Recorder()
    done = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    queue = iter(people)

    def worker() -> None:
        nonlocal done
        with httpx.Client(base_url=base_url, timeout=120) as client:
            while time.monotonic() < stop:
                with lock:
                    person = next(queue, None)
                if person is None:
                    return
                if certify(client, rec, person, frames) == "passed":
                    with lock:
                        done += 1

    start = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(worker)
    return done / (time.monotonic() - start), done


def load_cluster_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "lifecert_local_cluster", ROOT / "build/deploy/local/cluster.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Faults:
    """Kills and restarts parts of the running cluster on a schedule (fractions of the phase's duration)."""

    def __init__(self, cluster, state: dict, api_env: dict[str, str]) -> None:
        self.cluster, self.state, self.api_env = cluster, state, api_env
        self.log: list[str] = []

    def kill_and_restart_replica(self) -> None:
        api = self.state["api"][1]
        os.kill(api["pid"], signal.SIGKILL)
        self.log.append(f"replica 1 killed (SIGKILL, pid {api['pid']})")
        replica = self.cluster.ApiReplica(self.api_env, Path(api["log"]), port=api["port"])
        replica.start()
        api["pid"] = replica.proc.pid
        self.cluster.save_state(self.state)  # so cluster.down() stops the new process, not the dead one
        self.log.append("replica 1 restarted and ready")

    def restart_redis(self) -> None:
        redis = self.state["redis"]
        os.kill(redis["pid"], signal.SIGKILL)
        fresh = self.cluster.Redis(Path(self.state["workdir"]), port=redis["port"])
        fresh.start()
        redis["pid"] = fresh.proc.pid
        self.cluster.save_state(self.state)
        self.log.append("redis restarted (its counters lost)")

    def stop_standby(self, seconds: float) -> None:
        sb = self.state["standby"]
        standby = self.cluster.Postgres(Path(sb["datadir"]), sb["port"])
        standby.stop("immediate")
        self.log.append("standby stopped")
        time.sleep(seconds)
        standby.start()
        self.log.append("standby started again")

    def pause_s3(self, seconds: float) -> None:
        s3 = self.state["s3"]
        os.kill(s3["pid"], signal.SIGSTOP)  # unresponsive, as a hung storage node is
        self.log.append(f"object storage stopped for {seconds:.0f} s")
        time.sleep(seconds)
        os.kill(s3["pid"], signal.SIGCONT)
        self.log.append("object storage running again")

    def run(self, duration: float, stop: threading.Event) -> None:
        plan = [
            (0.15, self.kill_and_restart_replica),
            (0.3, lambda: self.pause_s3(10.0)),
            (0.4, self.restart_redis),
            (0.55, lambda: self.stop_standby(duration * 0.2)),
        ]
        start = time.monotonic()
        for at, action in plan:
            while time.monotonic() - start < at * duration:
                if stop.wait(0.2):
                    return
            action()


def mixed_load(
    base_url, people, frames, clients: int, duration: float, rec: Recorder, outcomes: Counter, attempted: list
) -> None:
    import httpx

    lock = threading.Lock()
    queue = iter(people)
    receipts: list[str] = []
    stop = time.monotonic() + duration

    def worker(n: int) -> None:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            step = n
            while time.monotonic() < stop:
                step += 1
                kind = step % 10
                if kind < 6:
                    person = people[step % len(people)]
                    body = {"id_number": person[0], "name": person[1]}
                    timed(rec, "status", lambda body=body: client.post("/api/v1/status", json=body))
                elif kind < 9:
                    with lock:
                        person = next(queue, None)
                    if person is None:
                        continue
                    attempted.append(person[0])
                    outcome = certify(client, rec, person, frames)
                    with lock:
                        outcomes[outcome] += 1
                        if outcome == "passed":
                            receipts.append(last_answer.value["receipt"]["token"])
                elif receipts:
                    token = receipts[step % len(receipts)]
                    body = {"token": token}  # in the body, never in a URL that gets logged
                    timed(rec, "receipt", lambda b=body: client.post("/api/v1/receipts/verify", json=b))

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))


def count_certifications(url: str, id_numbers: list[str]) -> Counter:
    import sqlalchemy as sa

    from api.beneficiaries.models import Beneficiary, Certification
    from api.core.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Beneficiary.id_number, sa.func.count(Certification.id))
            .join(Certification, Certification.beneficiary_id == Beneficiary.id, isouter=True)
            .where(Beneficiary.id_number.in_(id_numbers))
            .group_by(Beneficiary.id_number)
        ).all()
    engine.dispose()
    return Counter(dict(rows))


def bytes_per_certification(url: str) -> dict[str, float]:
    """On-disk bytes (table + indexes + TOAST) of what certifications write, per recorded certification."""
    import sqlalchemy as sa

    from api.core.db import make_engine

    tables = (
        "certifications",
        "challenges",
        "audit_events",
        "idempotent_requests",
        "idempotency_records",
        "consent_records",
        "receipts",
    )
    engine = make_engine(url)
    out: dict[str, float] = {}
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM certifications")).scalar() or 1
        for table in tables:
            exists = conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": table}).scalar()
            if exists:
                size = conn.execute(sa.text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar()
                out[table] = round(size / count)
    engine.dispose()
    out["total"] = sum(out.values())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="short phases: the whole run in under 10 minutes"
    )
    parser.add_argument("--clients", type=int, default=6, help="client threads")
    parser.add_argument("--duration", type=float, default=None, help="seconds of the fault phase")
    args = parser.parse_args()
    scaling_s = 40.0 if args.quick else 90.0
    duration = args.duration or (150.0 if args.quick else 300.0)

    import httpx

    from tests.api.cert.clips import PASSING_ACTIONS, live_frames

    os.chdir(ROOT)
    os.environ["PYTHONPATH"] = str(ROOT)
    cluster = load_cluster_module()
    overrides = {
        "LIFECERT_ENV": "test",  # only for the fixed challenge actions the clip performs
        "LIFECERT_CERTIFICATION__CHALLENGE_FIXED_ACTIONS": ",".join(PASSING_ACTIONS),
        "LIFECERT_CERTIFICATION__CLAIM_LEASE_SECONDS": "20",  # a killed replica's claims free up after 20 s
        # the limits stay on, in the cluster's Redis (so restarting it is felt), with budgets no run reaches
        "LIFECERT_LIMITS__PERSON_LOOKUP": "1000000/minute",
        "LIFECERT_LIMITS__PERSON_LOOKUP_PER_PERSON": "1000000/hour",
    }
    t0 = time.monotonic()
    state = cluster.up(replicas=2, seed=True, api_overrides=overrides)
    api_env = state.pop("api_env")
    primary_db = f"postgresql+psycopg://postgres@127.0.0.1:{state['primary']['port']}/lifecert"
    result: dict = {}
    try:
        people = seed_people(primary_db, 3000, uuid.uuid4().hex[:6])
        frames = live_frames()
        warm = Recorder()
        for api in state[
            "api"
        ]:  # the models load on first use in test mode: once per replica, outside timing
            with httpx.Client(base_url=api["url"], timeout=300) as client:
                outcome = certify(client, warm, people.pop(), frames)
                assert outcome == "passed", (outcome, getattr(last_answer, "value", None))
        one_rate, one_n = decisions_per_second(
            state["api"][0]["url"], people[:1000], frames, args.clients, scaling_s
        )
        two_rate, two_n = decisions_per_second(
            state["haproxy"]["url"], people[1000:2000], frames, args.clients, scaling_s
        )
        rec, outcomes, attempted = Recorder(), Counter(), []
        faults = Faults(cluster, state, api_env)
        stop = threading.Event()
        fault_thread = threading.Thread(target=faults.run, args=(duration, stop))
        fault_thread.start()
        mixed_load(
            state["haproxy"]["url"], people[2000:], frames, args.clients, duration, rec, outcomes, attempted
        )
        stop.set()
        fault_thread.join()
        counts = count_certifications(primary_db, attempted)
        footprint = bytes_per_certification(primary_db)
        recorded = sum(1 for n in attempted if counts[n] >= 1)
        result = {
            "quick": args.quick,
            "clients": args.clients,
            "fault_phase_s": duration,
            "requests": dict(rec.requests),
            "errors": dict(rec.errors),
            "server_errors": rec.server_errors,
            "unavailable_503": rec.unavailable,
            "certifications": {
                "attempted": len(attempted),
                "recorded": recorded,
                "lost": len(attempted) - recorded,
                "duplicated": sum(1 for n in attempted if counts[n] > 1),
                "outcomes": dict(outcomes),
            },
            "latency_ms": {
                k: {"p50": round(pct(v, 0.5), 1), "p99": round(pct(v, 0.99), 1), "n": len(v)}
                for k, v in rec.latency.items()
            },
            "decisions_per_s": {
                "1_replica": round(one_rate, 2),
                "2_replicas": round(two_rate, 2),
                "n": [one_n, two_n],
            },
            "scaling": round(two_rate / one_rate, 2) if one_rate else None,
            "faults": faults.log,
            "db_bytes_per_certification": footprint,
            "frames_bytes_per_submission": sum(len(data) for data, _ in frames),
            "cores": len(os.sched_getaffinity(0)),
        }
    finally:
        cluster.down()
        result["wall_s"] = round(time.monotonic() - t0, 1)
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Certification API latency over HTTP (in-process ASGI client), with real frames and the real face engine.

    .venv/bin/python bench/cert_submission.py [--rounds 8] [--database-url URL]

Per round: POST /api/v1/challenges, then POST /api/v1/challenges/{id}/frames with 30 JPEG frames of
../shared/faces/videos/d10.mp4 (512x512, 5 fps, the challenge open_mouth + blink) → passed + receipt;
the same request again with the same Idempotency-Key (stored answer); a still picture repeated (fails);
GET /api/v1/receipts/verify. Then 4 submissions at once from 4 threads (at most --engine-workers decisions at once) for
wall-clock throughput. Prints p50/p95 in ms per step, the throughput and the process's peak RSS.
Default database: a fresh SQLite file; pass a PostgreSQL URL to measure there (the database is migrated).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--engine-workers", type=int, default=None, help="face decisions at once (default: the setting)"
    )
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from api.beneficiaries.models import Beneficiary, Entitlement, ReferenceFace
    from api.core.context import configure
    from api.core.db import make_sessionmaker, session_scope, upgrade
    from api.core.settings import CertificationSettings, Environment, LimitSettings, Settings
    from api.main import create_app
    from shared.enums import BenefitType, ReferenceSource
    from shared.idnumber import make_id_number
    from tests.api.cert.clips import PASSING_ACTIONS, live_frames, multipart, reference_photo, still_frames
    from tests.api.factories import ensure_regions

    tmp = Path(tempfile.mkdtemp(prefix="lifecert-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    settings = Settings(
        env=Environment.TEST, database_url=url, data_dir=tmp / "data", limits=LimitSettings(enabled=False)
    )
    app = create_app(settings)
    ctx = configure(
        app,
        CertificationSettings(
            challenge_fixed_actions=",".join(PASSING_ACTIONS),
            **({"engine_workers": args.engine_workers} if args.engine_workers else {}),
        ),
    )
    t0 = time.perf_counter()
    template = ctx.engines.run(lambda engine: engine.enrol(reference_photo()))
    print(f"engine warm-up + one enrolment: {(time.perf_counter() - t0) * 1000:.0f} ms")

    people: list[tuple[str, str]] = []
    with session_scope(make_sessionmaker(app.state.engine)) as session:
        region = ensure_regions(session)
        for i in range(args.rounds + 8):
            number = make_id_number(region, date(1950, 1, 1), 100 + i)
            person = Beneficiary(
                id_number=number, name="测试人", sex="male", birth_date=date(1950, 1, 1), region_code=region
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
            people.append((number, "测试人"))

    timings: dict[str, list[float]] = {
        k: [] for k in ("challenge", "submit_pass", "retry", "submit_still", "verify")
    }
    with TestClient(app) as client:

        def timed(step: str, fn):
            start = time.perf_counter()
            result = fn()
            timings[step].append((time.perf_counter() - start) * 1000)
            return result

        def new_challenge(person) -> str:
            resp = timed(
                "challenge",
                lambda: client.post("/api/v1/challenges", json={"id_number": person[0], "name": person[1]}),
            )
            return resp.json()["challenge_id"]

        def one_round(person) -> None:
            cid, key = new_challenge(person), uuid.uuid4().hex
            path = f"/api/v1/challenges/{cid}/frames"
            headers = {"Idempotency-Key": key}
            passed = timed(
                "submit_pass", lambda: client.post(path, headers=headers, **multipart(live_frames()))
            )
            assert passed.json()["result"] == "passed", passed.text
            again = timed("retry", lambda: client.post(path, headers=headers, **multipart(live_frames())))
            assert again.json() == passed.json()
            params = {"token": passed.json()["receipt"]["token"]}
            assert timed("verify", lambda: client.get("/api/v1/receipts/verify", params=params)).json()[
                "valid"
            ]
            still = f"/api/v1/challenges/{new_challenge(person)}/frames"
            failed = timed(
                "submit_still",
                lambda: client.post(
                    still, headers={"Idempotency-Key": uuid.uuid4().hex}, **multipart(still_frames())
                ),
            )
            assert failed.json()["result"] == "failed"

        for person in people[: args.rounds]:
            one_round(person)

        parallel = people[args.rounds : args.rounds + 4]
        ids = [new_challenge(p) for p in parallel]
        start = time.perf_counter()
        with ThreadPoolExecutor(len(ids)) as pool:
            results = list(
                pool.map(
                    lambda cid: client.post(
                        f"/api/v1/challenges/{cid}/frames",
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                        **multipart(live_frames()),
                    ),
                    ids,
                )
            )
        wall = time.perf_counter() - start
        assert all(r.json()["result"] == "passed" for r in results)

    frames = live_frames()
    print(
        f"frames per submission: {len(frames)}, {sum(len(f) for f, _ in frames) / 1024:.0f} KiB, "
        f"database: {url.split(':')[0]}, rounds: {args.rounds}"
    )
    for step, values in timings.items():
        print(
            f"{step:13s} p50 {statistics.median(values):8.1f} ms   p95 {pct(values, 0.95):8.1f} ms   n={len(values)}"
        )
    print(
        f"4 passing submissions at once ({ctx.cert.engine_workers} engine workers): {wall:.2f} s wall, {len(ids) / wall:.2f} per second"
    )
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""build/deploy/local: `up` starts HAProxy → 2 API replicas → PgBouncer → PostgreSQL primary + standby, Redis
and both web apps; traffic through HAProxy survives a replica killed with SIGKILL; `down` stops it all."""

from __future__ import annotations

import os
import signal

import httpx
import pytest

from tests.cluster.conftest import _need, cluster

pytestmark = pytest.mark.cluster

ZHANG = {"id_number": "110101195506120115", "name": "张建国"}  # a demo person (README "Try it")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_up_serves_through_haproxy_survives_a_killed_replica_and_down_stops_everything(tmp_path, monkeypatch):
    for binary, package in (
        ("pgbouncer", "pgbouncer"),
        ("haproxy", "haproxy"),
        ("redis-server", "redis-server"),
    ):
        _need(binary, package)
    monkeypatch.chdir(tmp_path)  # the state file goes to ./var
    monkeypatch.setenv("PYTHONPATH", str(cluster.Path(cluster.__file__).resolve().parents[3]))
    state = cluster.up(
        replicas=2, api_overrides={"LIFECERT_ENV": "test", "LIFECERT_LIMITS__ENABLED": "false"}
    )
    try:
        proxy = state["haproxy"]["url"]
        with httpx.Client(base_url=proxy, timeout=30) as client:
            ready = client.get("/readyz").json()
            assert ready["database"] == "ok" and ready["storage"] == "ok"  # storage: the SeaweedFS bucket
            answers = [client.post("/api/v1/status", json=ZHANG) for _ in range(4)]
            assert [a.status_code for a in answers] == [200] * 4
            assert answers[0].json()["masked_name"] == "张*国"
            for web in state["web"].values():
                assert httpx.get(web["url"], timeout=30).status_code == 200

            os.kill(state["api"][0]["pid"], signal.SIGKILL)
            # HAProxy sends a refused connection to the other replica (option redispatch); a request already
            # on a kept-alive connection to the dead one is cut, and the client repeats it, as the apps do
            # for look-ups (app/common/api_client.py: safe requests are retried) — every lookup answers
            answers, cut = [], 0
            for _ in range(10):
                for _attempt in range(3):
                    try:
                        answers.append(client.post("/api/v1/status", json=ZHANG))
                        break
                    except httpx.TransportError:
                        cut += 1
            assert [a.status_code for a in answers] == [200] * 10
            assert cut <= 2  # at most the connections that were open to the killed replica
    finally:
        pids = [a["pid"] for a in state["api"]] + [
            state["haproxy"]["pid"],
            state["redis"]["pid"],
            state["pgbouncer"]["pid"],
        ]
        pids += [w["pid"] for w in state["web"].values()] + [state["s3"]["pid"]]
        assert cluster.down()
    assert not any(_alive(pid) for pid in pids)
    assert not cluster.Path(state["workdir"]).exists()
    assert not cluster.STATE_FILE.exists()

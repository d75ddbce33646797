"""Shared limits across real API processes (issue 11 item 1, issue 16 finding 2): two `lifecert serve`
processes on free ports with the same Redis admit, together, exactly one budget; and a real uvicorn started
by `lifecert serve` does not believe X-Forwarded-For from 127.0.0.1 unless a trusted proxy is configured."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.redis_support import drop_prefix, redis_url, unique_prefix
from tests.shared_data import REPO_ROOT

STATUS = "/api/v1/status"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(base: str, proc: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    def tail() -> str:
        return log.read_text(errors="replace")[-3000:]

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API exited with {proc.returncode}:\n{tail()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer within {timeout} s:\n{tail()}")


@pytest.fixture
def serve(db_url: str, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """``serve(**env)`` → the base URL of a new `lifecert serve` process on this database, with these
    ``LIFECERT_*`` variables; every process is stopped after the test."""
    procs: list[subprocess.Popen] = []

    def start(**env: str) -> str:
        port = _free_port()
        log = tmp_path / f"api-{port}.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("LIFECERT_", "FORWARDED_ALLOW"))}
        environ.update(
            LIFECERT_DATABASE_URL=db_url,
            LIFECERT_DATA_DIR=str(tmp_path / "data"),
            LIFECERT_ENV="test",
            PYTHONPATH=str(REPO_ROOT),
            PYTHONUNBUFFERED="1",
            **env,
        )
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--no-access-log"],
                cwd=REPO_ROOT,
                env=environ,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base, proc, log)
        return base

    yield start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def redis_limits() -> Iterator[dict[str, str]]:
    """LIFECERT_LIMITS__* for the real Redis under a key prefix of this test's own (removed after)."""
    url = redis_url()
    prefix = unique_prefix()
    yield {"LIFECERT_LIMITS__STORAGE_URI": url, "LIFECERT_LIMITS__KEY_PREFIX": prefix}
    drop_prefix(url, prefix)


def test_one_budget_holds_across_two_api_processes(serve, redis_limits, make_person) -> None:
    env = {
        **redis_limits,
        "LIFECERT_LIMITS__PERSON_LOOKUP": "7/hour",
        "LIFECERT_LIMITS__PERSON_LOOKUP_PER_PERSON": "1000/hour",
    }
    first, second = serve(**env), serve(**env)
    person = make_person(name="两进程")
    answers: list[int] = []
    with httpx.Client(timeout=30.0) as http:
        for i in range(16):  # alternately, to both processes
            base = (first, second)[i % 2]
            resp = http.post(f"{base}{STATUS}", json={"id_number": person.id_number, "name": "两进程"})
            answers.append(resp.status_code)
            if resp.status_code == 429:
                assert resp.json()["error"] == "rate_limited" and int(resp.headers["Retry-After"]) >= 1
    assert answers.count(200) == 7, answers
    assert answers[:7] == [200] * 7 and set(answers[7:]) == {429}
    # both processes refused some: neither kept a budget of its own
    assert 429 in answers[7::2] and 429 in answers[8::2]


def test_rotating_forwarded_for_from_loopback_is_one_client(serve, redis_limits, make_person) -> None:
    """No trusted proxy configured: uvicorn must not take X-Forwarded-For from 127.0.0.1 (its default)."""
    base = serve(**redis_limits, LIFECERT_LIMITS__PERSON_LOOKUP="4/hour")
    person = make_person(name="换地址")
    with httpx.Client(timeout=30.0) as http:
        codes = [
            http.post(
                f"{base}{STATUS}",
                json={"id_number": person.id_number, "name": f"猜{i}"},
                headers={"X-Forwarded-For": f"198.51.100.{i}"},
            ).status_code
            for i in range(7)
        ]
    assert codes == [404] * 4 + [429] * 3


def test_behind_a_configured_proxy_each_forwarded_client_has_its_budget(
    serve, redis_limits, make_person
) -> None:
    """With 127.0.0.1 configured as the proxy, the forwarded address is the client (both in uvicorn and in
    the API) — and the per-person budget still stops guessing one person's name from many addresses."""
    base = serve(
        **redis_limits,
        LIFECERT_TRUSTED_PROXIES="127.0.0.1",
        LIFECERT_LIMITS__PERSON_LOOKUP="2/hour",
        LIFECERT_LIMITS__PERSON_LOOKUP_PER_PERSON="5/hour",
    )
    person = make_person(name="代理后")
    with httpx.Client(timeout=30.0) as http:

        def ask(name: str, client: str) -> int:
            return http.post(
                f"{base}{STATUS}",
                json={"id_number": person.id_number, "name": name},
                headers={"X-Forwarded-For": f"6.6.6.6, {client}"},  # the left entry is the client's own
            ).status_code

        assert [ask("错", "203.0.113.1") for _ in range(3)] == [404, 404, 429]
        assert [ask("错", "203.0.113.2") for _ in range(2)] == [404, 404]
        assert ask("错", "203.0.113.3") == 404  # fifth lookup of this person
        assert ask("代理后", "203.0.113.4") == 429  # the person's budget is spent

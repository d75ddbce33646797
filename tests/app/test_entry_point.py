"""The two web apps' command lines (what ``lifecert demo`` spawns): ``python -m app.citizen`` (also
``python -m app``) on :8550 and ``python -m app.staff`` on :8551."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.citizen.__main__ import parse_args as citizen_args
from app.staff.__main__ import parse_args as staff_args
from tests.shared_data import REPO_ROOT


@pytest.mark.parametrize("parse_args, port", [(citizen_args, 8550), (staff_args, 8551)])
def test_demo_command_line(parse_args, port: int) -> None:
    args = parse_args(["--port", str(port), "--api", "http://127.0.0.1:8000/"])
    assert (args.port, args.host, args.api, args.open_browser) == (
        port,
        "127.0.0.1",
        "http://127.0.0.1:8000",
        False,
    )
    assert parse_args([]).port == port  # each app has its own default port


@pytest.mark.parametrize("parse_args", [citizen_args, staff_args])
def test_bad_api_address_is_refused(parse_args, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--api", "127.0.0.1:8000"])
    assert "--api must be an http://" in capsys.readouterr().err


@pytest.mark.parametrize(
    "module, prog",
    [
        ("app", "python -m app.citizen"),
        ("app.citizen", "python -m app.citizen"),
        ("app.staff", "python -m app.staff"),
    ],
)
def test_python_dash_m_names_the_app(module: str, prog: str) -> None:
    """``python -m app`` is still the citizens' app; each module answers --help with its own name."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {prog} ")
    assert ("staff" in done.stdout) == (module == "app.staff")

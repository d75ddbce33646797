"""``python -m app`` arguments (the entry ``lifecert demo`` spawns)."""

from __future__ import annotations

import pytest

from app.__main__ import parse_args


def test_demo_command_line() -> None:
    args = parse_args(["--port", "8550", "--api", "http://127.0.0.1:8000/"])
    assert (args.port, args.host, args.api, args.open_browser) == (8550, "127.0.0.1", "http://127.0.0.1:8000", False)


def test_bad_api_address_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--api", "127.0.0.1:8000"])
    assert "--api must be an http://" in capsys.readouterr().err

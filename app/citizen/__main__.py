"""``python -m app.citizen --port 8550 --api http://127.0.0.1:8000``: the citizens' app in Flet's
server mode."""

from __future__ import annotations

import argparse

from app.common.cli import parse_args as _parse_args

DEFAULT_PORT = 8550


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return _parse_args(
        argv,
        prog="python -m app.citizen",
        default_port=DEFAULT_PORT,
        description="lifecert citizens' web app (Flet server mode)",
    )


def cli(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from app.citizen.main import run  # flet is imported only once the arguments are fine

    run(port=args.port, host=args.host, api_url=args.api, open_browser=args.open_browser)


if __name__ == "__main__":
    cli()

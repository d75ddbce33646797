"""``python -m app --port 8550 --api http://127.0.0.1:8000``: the web client in Flet's server mode."""

from __future__ import annotations

import argparse

from app.state import DEFAULT_API_URL, normalise_api_url


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m app", description="lifecert web client (Flet server mode)")
    parser.add_argument("--port", type=int, default=8550, help="port to serve on (default 8550)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--api", default=DEFAULT_API_URL, help=f"lifecert API base URL (default {DEFAULT_API_URL})")
    parser.add_argument("--open-browser", action="store_true", help="open a browser tab when a display exists")
    args = parser.parse_args(argv)
    if normalise_api_url(args.api) is None:
        parser.error(f"--api must be an http:// or https:// address, got {args.api!r}")
    args.api = normalise_api_url(args.api)
    return args


def cli(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from app.main import run  # flet is imported only once the arguments are fine

    run(port=args.port, host=args.host, api_url=args.api, open_browser=args.open_browser)


if __name__ == "__main__":
    cli()

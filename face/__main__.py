"""Command line (a stable contract other tools call):

    python -m face verify REF PROBE
    python -m face eval-pairs --pairs PAIRS.csv --root DIR
    python -m face check IMAGE
    python -m face liveness --actions blink,open_mouth --frames PATH [--fps N] [--times-ms T1,T2,…]
    python -m face decide --reference IMG --frames DIR --actions A,B,C [--fps N] [--repeat N]

Every command prints JSON on stdout. An unusable input exits 2 with {"error": CODE, "message": TEXT}.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from face.types import FaceInputError, ReasonCode, Template

if TYPE_CHECKING:
    from face.engine import FaceEngine

EXIT_UNUSABLE = 2


def _emit(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _fail(code: str, message: str) -> int:
    _emit({"error": code, "message": message})
    return EXIT_UNUSABLE


def _read(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(path)
    return p.read_bytes()


def _engine() -> FaceEngine:
    from face.engine import FaceEngine

    return FaceEngine()


def cmd_verify(args: argparse.Namespace) -> int:
    engine = _engine()
    reference = engine.template(_read(args.ref))
    result = engine.verify([reference], _read(args.probe))
    _emit({"match": result.match, "distance": result.distance, "threshold": result.threshold})
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    engine = _engine()
    result = engine.check(_read(args.image))
    _emit(
        {
            "faces": result.faces,
            "quality": asdict(result.quality),
            "spoof": asdict(result.spoof) if result.spoof is not None else None,
        }
    )
    return 0


def read_pairs(path: Path) -> list[tuple[str, str, bool]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"a", "b", "same"} <= set(reader.fieldnames):
            raise FaceInputError(ReasonCode.NOT_AN_IMAGE, f"{path} must have the columns a,b,same")
        return [(row["a"], row["b"], row["same"].strip() in {"1", "true", "True"}) for row in reader]


def cmd_eval_pairs(args: argparse.Namespace) -> int:
    pairs_path, root = Path(args.pairs), Path(args.root)
    if not pairs_path.is_file():
        return _fail("not_found", f"No such pairs file: {pairs_path}")
    pairs = read_pairs(pairs_path)
    engine = _engine()
    engine.warm_up_verification()  # model load is excluded from ms_per_pair
    start = time.perf_counter()
    templates: dict[str, Template | FaceInputError] = {}

    def template_of(name: str) -> Template:
        """The picture's template, computed once (a picture that failed raises the same error again)."""
        if name not in templates:
            try:
                templates[name] = engine.template(_read(str(root / name)))
            except FaceInputError as exc:
                templates[name] = exc
            except FileNotFoundError:
                templates[name] = FaceInputError(ReasonCode.EMPTY_INPUT, f"No such file: {name}")
        found = templates[name]
        if isinstance(found, FaceInputError):
            raise found
        return found

    correct = false_accepts = false_rejects = errors = 0
    for a, b, same in pairs:
        try:
            reference = template_of(a)
            result = engine.verify_template([reference], template_of(b))
        except FaceInputError as exc:
            errors += 1
            _emit({"a": a, "b": b, "same": same, "error": exc.code.value, "message": exc.message})
            continue
        correct += result.match == same
        false_accepts += result.match and not same
        false_rejects += same and not result.match
        _emit({"a": a, "b": b, "same": same, "match": result.match, "distance": result.distance})
    elapsed = (time.perf_counter() - start) * 1000
    scored = len(pairs) - errors
    _emit(
        {
            "pairs": len(pairs),
            "accuracy": round(correct / scored, 4) if scored else None,
            "false_accepts": false_accepts,
            "false_rejects": false_rejects,
            "errors": errors,
            "ms_per_pair": round(elapsed / len(pairs), 1) if pairs else 0.0,
        }
    )
    return 0


def cmd_liveness(argv: list[str]) -> int:
    from face import cli_liveness

    return cli_liveness.main(argv)


def cmd_decide(argv: list[str]) -> int:
    from face import cli_decide

    return cli_decide.main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m face", description="lifecert face engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("verify", help="compare a reference picture with a probe picture")
    p.add_argument("ref")
    p.add_argument("probe")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("eval-pairs", help="evaluate labelled pairs (CSV columns a,b,same)")
    p.add_argument("--pairs", required=True)
    p.add_argument("--root", required=True)
    p.set_defaults(func=cmd_eval_pairs)
    p = sub.add_parser("check", help="faces, quality gate and anti-spoofing of one picture")
    p.add_argument("image")
    p.set_defaults(func=cmd_check)
    sub.add_parser("liveness", help="evaluate a liveness challenge (see its own --help)", add_help=False)
    sub.add_parser(
        "decide", help="time one certification decision against the floor (see its --help)", add_help=False
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "liveness":
        return cmd_liveness(argv[1:])
    if argv and argv[0] == "decide":
        return cmd_decide(argv[1:])
    args = build_parser().parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except FaceInputError as exc:
        return _fail(exc.code.value, exc.message)
    except FileNotFoundError as exc:
        return _fail("not_found", f"No such file: {exc.args[0]}")


if __name__ == "__main__":
    sys.exit(main())

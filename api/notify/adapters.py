"""Delivery adapters. ``Notifier`` is the interface an SMS gateway, e-mail or push service implements;
console and file (JSON lines) adapters are the defaults that need no outside service."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol, TextIO


@dataclass(frozen=True, slots=True)
class Notice:
    message_id: int
    template: str
    recipient: str | None
    body: str


class Notifier(Protocol):
    def send(self, notice: Notice) -> None:
        """Deliver one notice or raise; the outbox retries later."""


class ConsoleNotifier:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, notice: Notice) -> None:
        to = notice.recipient or "(by letter)"
        print(f"[{notice.template}] to {to}: {notice.body}", file=self.stream, flush=True)


class FileNotifier:
    """Appends one JSON object per notice to a file (for a gateway that picks files up, or for audits)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, notice: Notice) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(notice), ensure_ascii=False) + "\n")


def notifier_for(spec: str) -> Notifier:
    """``console`` or ``file:PATH``; other adapters are passed in as objects by the code that owns them."""
    if spec == "console":
        return ConsoleNotifier()
    if spec.startswith("file:") and len(spec) > 5:
        return FileNotifier(Path(spec[5:]))
    raise ValueError(f"unknown notifier {spec!r}: use 'console' or 'file:PATH'")

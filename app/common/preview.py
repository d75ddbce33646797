"""Live quality hints before the first instruction, without a UI: the gate that decides when to start.

The camera screen takes a picture about once a second and asks the API's quality gate about it
(``POST /api/v1/challenges/{id}/preview``). :class:`PreviewGate` turns the answers into one large hint
(too dark, move closer, someone else in the picture, face the camera, hold still) and says when to go on:
after two good pictures in a row. It never blocks for ever: after ``offer_after_s`` the person is offered
"continue anyway" and the non-face ways; and when the hints cannot be had at all (an older server, a
network hiccup) the challenge simply starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from shared.preview import PreviewResult, hint_key

PREVIEW_INTERVAL_S = 1.0  # one preview picture a second: enough for a hint, light on the server
OK_IN_A_ROW = 2  # two good pictures in a row: the person is settled, not passing through a good frame
OFFER_AFTER_S = 15.0  # then "continue anyway" / the non-face ways are offered
MAX_ERRORS_IN_A_ROW = 3  # hints unavailable (server or network): start the challenge without them


class GateEnd(StrEnum):
    READY = "ready"  # good pictures in a row
    SKIPPED = "skipped"  # the person chose to continue anyway
    UNAVAILABLE = "unavailable"  # no hints could be had; go on without them


@dataclass
class PreviewGate:
    clock: Callable[[], float] = time.monotonic
    ok_needed: int = OK_IN_A_ROW
    offer_after_s: float = OFFER_AFTER_S
    started: float | None = None
    ok_in_a_row: int = 0
    errors_in_a_row: int = 0
    checks: int = 0
    last: PreviewResult | None = None
    end: GateEnd | None = None
    reasons: list[str] = field(default_factory=list)  # every reason seen, in order (for tests and logs)

    def start(self) -> None:
        self.started = self.clock()

    @property
    def done(self) -> bool:
        return self.end is not None

    @property
    def elapsed_s(self) -> float:
        return 0.0 if self.started is None else self.clock() - self.started

    @property
    def offer_skip(self) -> bool:
        """Show "continue anyway" and the non-face ways: the hints have not been satisfied for a while."""
        return not self.done and self.elapsed_s >= self.offer_after_s

    @property
    def hint_key(self) -> str:
        """The catalog key of the one large line to show now."""
        if self.last is None:
            return "hint.checking"
        if self.last.ok:
            return "hint.good"
        return hint_key(self.last.reason)

    def observe(self, result: PreviewResult) -> None:
        """One answer of the quality gate."""
        if self.done:
            return
        self.checks += 1
        self.errors_in_a_row = 0
        self.last = result
        self.reasons.append(result.reason)
        self.ok_in_a_row = self.ok_in_a_row + 1 if result.ok else 0
        if self.ok_in_a_row >= self.ok_needed:
            self.end = GateEnd.READY

    def failed(self) -> None:
        """The preview call failed (server or network): after a few in a row, go on without hints."""
        if self.done:
            return
        self.errors_in_a_row += 1
        if self.errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
            self.end = GateEnd.UNAVAILABLE

    def unavailable(self) -> None:
        """This server has no preview endpoint (or refuses it for good): go on without hints at once."""
        if not self.done:
            self.end = GateEnd.UNAVAILABLE

    def skip(self) -> None:
        """The person pressed "continue anyway"."""
        if not self.done:
            self.end = GateEnd.SKIPPED

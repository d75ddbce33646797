"""What the staff app remembers per session: the settings and the signed-in console state."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.common.settings import Settings
from app.staff.console_state import ConsoleState
from app.staff.receipt_scan import ReceiptScan


@dataclass
class StaffAppState:
    settings: Settings = field(default_factory=Settings)
    console: ConsoleState = field(default_factory=ConsoleState)
    scan: ReceiptScan = field(default_factory=ReceiptScan)  # the last receipt checked with the camera

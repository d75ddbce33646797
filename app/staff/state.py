"""What the staff app remembers per session: the settings and the signed-in console state."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.common.settings import Settings
from app.staff.console_state import ConsoleState


@dataclass
class StaffAppState:
    settings: Settings = field(default_factory=Settings)
    console: ConsoleState = field(default_factory=ConsoleState)

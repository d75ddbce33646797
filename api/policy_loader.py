"""Read the agency's policy file (the only I/O around shared.policy)."""

from __future__ import annotations

from pathlib import Path

from shared.policy import PolicyTable, parse_policy


def load_policy(path: Path) -> PolicyTable:
    """The parsed policy file; a missing file means the built-in default (annual, birthday-based).

    A file with a mistake raises shared.policy.PolicyError naming the rule and key: the service refuses
    to start rather than run on a half-understood policy.
    """
    if not path.exists():
        return PolicyTable()
    return parse_policy(path.read_text(encoding="utf-8"))

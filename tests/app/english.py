"""English leaking into a Chinese screen: three or more ASCII words in a row ("Region 110101 has")."""

from __future__ import annotations

import re

# A word: letters (with ' or - inside), or a number next to words; three in a row make a phrase.
ENGLISH_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*(?:[ ,:;]+[A-Za-z0-9][A-Za-z0-9'’-]*){2,}")
ALLOWED = re.compile(r"^(?:[0-9 ,:;-]+|https?://\S+)$")  # numbers and dates, an address


def english_runs(text: str) -> list[str]:
    """The English phrases in ``text`` (empty for Chinese text with digits, codes, URLs)."""
    found = []
    for match in ENGLISH_RUN.finditer(text):
        phrase = match.group(0)
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", phrase)
        if len(words) >= 2 and not ALLOWED.match(phrase):  # "2026-11-30 12 00" is a date, not English
            found.append(phrase)
    return found

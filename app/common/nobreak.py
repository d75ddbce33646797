"""Lines never break inside a date, an amount with its unit, a grouped reference or a phone number.

Chinese text may break between any two characters, so at a large text size "2026年11月1日" could end one
line with "2026年11月1" and start the next with "日". :func:`keep_together` glues such runs: a WORD JOINER
(U+2060, invisible, no width; Unicode line breaking never breaks beside it) between their characters, and a
NO-BREAK SPACE for a space inside them ("1 March 2027", "4821 7730", "010-6512 3456"). Screen readers
ignore both. Pure text in, text out: the text components apply it to everything they show.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"
ZERO_WIDTH_SPACE = "\u200b"

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_UNITS = "元|角|分|%|％|岁|天|个|位|步|张|人|次|年|月|日|MB|KB|GB|kB|s|秒|分钟|小时"
_RUNS = re.compile(
    "|".join(
        [
            r"\d{4}年\d{1,2}月(?:\d{1,2}日)?",  # 2026年11月30日, 2026年11月
            r"\d{1,2}月\d{1,2}日",  # 11月30日
            rf"\d{{1,2}} (?:{_MONTHS}) \d{{4}}",  # 30 November 2026
            rf"(?:{_MONTHS}) \d{{4}}",  # November 2026
            r"\d{4} \d{4}(?: \d{4})*",  # 4821 7730 (a grouped reference)
            r"\d{3,4}-\d{3,4} \d{4}",  # 010-6512 3456
            rf"[¥￥]?\d[\d,]*(?:\.\d+)? ?(?:{_UNITS})",  # 100 元, 23.50元, 100%, 18 位
        ]
    )
)


def _glue(match: re.Match[str]) -> str:
    """A no-break space for a space; a word joiner between two characters unless both are ASCII letters or
    digits (those never break apart) or one is that no-break space (it never breaks either)."""
    run = match.group(0).replace(" ", NO_BREAK_SPACE)
    out = [run[0]]
    for before, after in zip(run, run[1:], strict=False):
        plain_pair = before.isascii() and after.isascii() and before.isalnum() and after.isalnum()
        if not plain_pair and NO_BREAK_SPACE not in (before, after):
            out.append(WORD_JOINER)
        out.append(after)
    return "".join(out)


# A masked ID number (1101**********0714) is wider than a phone's line at the large text size: it may break
# in the middle of its stars, never inside the digits at either end.
_MASKED_ID = re.compile(r"(\d{4}\*{3})(\*{3,})(\d{3}[\dX])")


def keep_together(text: str) -> str:
    """``text`` with its dates, amounts, references and phone numbers made unbreakable."""
    text = _MASKED_ID.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE + m.group(2) + m.group(3), text)
    return _RUNS.sub(_glue, text)


def phrase(text: str) -> str:
    """A short Chinese phrase (a state, a benefit, a method: 因未认证暂停发放) kept on one line; other text
    (English words never break inside) unchanged."""
    if text.isascii():
        return text
    return WORD_JOINER.join(text)


def plain(text: str) -> str:
    """The text without the glue (what a test or a copy-paste compares)."""
    return text.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ").replace(ZERO_WIDTH_SPACE, "")

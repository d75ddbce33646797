"""Resident ID numbers (GB 11643-1999 公民身份号码) and the masking shown to the public.

An 18-character number is laid out as

    RRRRRR YYYYMMDD SSS C
    region birth    seq check

* ``RRRRRR`` — administrative region code where the number was first issued (6 digits);
* ``YYYYMMDD`` — date of birth;
* ``SSS`` — sequence number; its last digit is odd for men, even for women;
* ``C`` — check character, ISO 7064 MOD 11-2 over the first 17 digits: ``0``–``9`` or ``X`` (= 10).

Validation (:func:`parse_id_number`) accepts what a clerk or an elderly user is likely to type: it removes
surrounding and inner whitespace, converts full-width characters (``１２３``, ``ｘ``) to ASCII and accepts a
lower-case ``x``. It then rejects, each with an :class:`IdNumberError` whose ``code`` names the problem and
whose ``message`` can be shown as is:

* ``format``      — not 17 digits followed by a digit or ``X`` (old 15-digit numbers get their own message);
* ``birth_date``  — the birth date is not a real calendar date, is before 1900-01-01 or is in the future;
* ``check_digit`` — the check character does not match (a typo in one digit or two swapped digits).

The region code is not checked against a list of regions: codes change over the years and a number keeps
the code of where it was issued. The roster import checks the person's *current* region separately.

Masking rules (status lookup, receipts, logs):

* :func:`mask_id` keeps the first 4 and the last 4 characters, e.g. ``1101**********002X``.
* :func:`mask_name` keeps the first and the last character of a Chinese name and stars everything between
  (``张三`` → ``张*``, ``张三明`` → ``张*明``, ``欧阳娜娜`` → ``欧**娜``); a one-character name becomes ``*``.
  Spaces are dropped; the middle dot of minority names (``·``) stays visible between the first and the last
  character (``阿依古丽·买买提`` → ``阿***·**提``), every other character between them is starred.
  Names written in a Latin (or other alphabetic) script keep the first letter of each word and star the rest
  of the word (``John Smith`` → ``J*** S****``), so the middle of each word is never shown.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "IdInfo",
    "IdNumberError",
    "check_digit",
    "is_valid_id_number",
    "make_id_number",
    "mask_id",
    "mask_name",
    "normalise_id_number",
    "parse_id_number",
]

ID_LENGTH = 18
EARLIEST_BIRTH = date(1900, 1, 1)

# Weight of position i (0-based, left to right) is 2**(17 - i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
# Check character for (weighted sum mod 11): the value c with (sum + c) ≡ 1 (mod 11), 10 written as X.
_CHECK_CHARS = "10X98765432"

Sex = Literal["male", "female"]


class IdNumberError(ValueError):
    """An ID number that cannot be accepted; ``code`` is machine-readable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"IdNumberError(code={self.code!r}, message={self.message!r})"


@dataclass(frozen=True, slots=True)
class IdInfo:
    """What a valid ID number says about its holder."""

    number: str  # normalised: 18 characters, upper-case X
    birth_date: date
    sex: Sex
    region_code: str  # first 6 digits: region of first issue

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day`` (a Feb 29 birthday is reached on Mar 1 in common years)."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def check_digit(first17: str) -> str:
    """The GB 11643 check character (``0``–``9`` or ``X``) for the first 17 digits of a number."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise IdNumberError("format", "The first 17 characters of an ID number must all be digits.")
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(s: str) -> str:
    """Full-width to ASCII, whitespace removed, ``x`` upper-cased. Does not validate."""
    text = unicodedata.normalize("NFKC", s)
    return "".join(text.split()).upper()


def parse_id_number(s: str, *, today: date | None = None) -> IdInfo:
    """Validate an 18-character ID number and return what it encodes.

    ``today`` (default: the system date) is only used to reject birth dates in the future.
    Raises :class:`IdNumberError` with ``code`` "format", "birth_date" or "check_digit".
    """
    if not isinstance(s, str):
        raise IdNumberError("format", "The ID number must be text.")
    number = normalise_id_number(s)
    if not number:
        raise IdNumberError("format", "Please enter your 18-character ID number.")
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise IdNumberError(
            "format",
            "This looks like an old 15-digit ID number. Please enter the 18-character number "
            "on your current ID card.",
        )
    if len(number) != ID_LENGTH:
        raise IdNumberError(
            "format",
            f"An ID number has 18 characters; {len(number)} were entered.",
        )
    body, last = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or last not in "0123456789X":
        raise IdNumberError(
            "format",
            "An ID number is 17 digits followed by a digit or the letter X.",
        )

    try:
        birth = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise IdNumberError(
            "birth_date",
            f"Characters 7 to 14 of an ID number are the birth date; {body[6:14]} is not a real date.",
        ) from None
    if birth < EARLIEST_BIRTH:
        raise IdNumberError("birth_date", "The birth date in this ID number is before 1900.")
    if birth > (today or date.today()):
        raise IdNumberError("birth_date", "The birth date in this ID number is in the future.")

    if check_digit(body) != last:
        raise IdNumberError(
            "check_digit",
            "This ID number is not valid: please check each digit (the last character does not match).",
        )

    sex: Sex = "male" if int(body[16]) % 2 == 1 else "female"
    return IdInfo(number=number, birth_date=birth, sex=sex, region_code=body[:6])


def is_valid_id_number(s: str, *, today: date | None = None) -> bool:
    """True when :func:`parse_id_number` accepts ``s``."""
    try:
        parse_id_number(s, today=today)
    except IdNumberError:
        return False
    return True


def make_id_number(region6: str, birth: date, seq3: int) -> str:
    """Build a valid number (demo data, tests, benchmarks). ``seq3`` odd → male, even → female."""
    if len(region6) != 6 or not (region6.isascii() and region6.isdigit()):
        raise ValueError(f"region code must be 6 digits, got {region6!r}")
    if not 0 <= seq3 <= 999:
        raise ValueError(f"sequence number must be 0..999, got {seq3}")
    if not 1000 <= birth.year <= 9999:
        raise ValueError(f"birth year must have 4 digits, got {birth.year}")
    first17 = f"{region6}{birth:%Y%m%d}{seq3:03d}"
    return first17 + check_digit(first17)


def mask_id(number: str) -> str:
    """First 4 and last 4 characters, a star for each one between (``1101**********002X``).

    Numbers of 8 characters or fewer (never valid) are starred completely.
    """
    n = len(number)
    if n <= 8:
        return "*" * n
    return number[:4] + "*" * (n - 8) + number[-4:]


_NAME_SEPARATORS = frozenset("·•・．. -'’")


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def mask_name(name: str) -> str:
    """Mask a name for display to someone who may not be its holder (rules in the module docstring)."""
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        return ""
    if any(_is_wide(ch) for ch in name):
        return _mask_cjk(name)
    return _mask_words(name)


def _mask_cjk(name: str) -> str:
    chars = [ch for ch in name if not ch.isspace()]
    letters = [i for i, ch in enumerate(chars) if ch not in _NAME_SEPARATORS]
    if len(letters) <= 1:
        return "*" * len(letters)
    if len(letters) == 2:
        return chars[letters[0]] + "*"
    keep = {letters[0], letters[-1]}
    return "".join(
        ch if i in keep or ch in _NAME_SEPARATORS else "*"
        for i, ch in enumerate(chars)
        if letters[0] <= i <= letters[-1]
    )


def _mask_words(name: str) -> str:
    out: list[str] = []
    start_of_word = True
    for ch in name:
        if ch in _NAME_SEPARATORS:
            out.append(ch)
            start_of_word = True
        elif start_of_word:
            out.append(ch)
            start_of_word = False
        else:
            out.append("*")
    return "".join(out)

"""An ID number checked as it is typed, and the ID number + name form (no Flet, no network)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from shared.cycle import agency_today
from shared.idnumber import ID_LENGTH, IdNumberError, normalise_id_number, parse_id_number

IdStatus = Literal["empty", "typing", "invalid", "valid"]


@dataclass(frozen=True)
class IdCheck:
    """The verdict on what is in the ID field right now; ``message_key`` is a catalog key."""

    status: IdStatus
    message_key: str | None
    count: int  # characters typed (after normalising)
    number: str  # normalised text

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def check_id_as_typed(text: str, *, today: date | None = None) -> IdCheck:
    """Judge a partly typed ID number: an error as soon as one is certain, progress until then.

    Full-width digits, spaces and a lower-case x are accepted (normalised as ``shared.idnumber`` does).
    A wrong character is reported at once; the birth date once characters 7–14 are in; the check digit
    when all 18 are.
    """
    number = normalise_id_number(text)
    n = len(number)
    if n == 0:
        return IdCheck("empty", None, 0, number)
    if n > ID_LENGTH:
        return IdCheck("invalid", "id.error.too_long", n, number)
    body = number[:17]
    if not (body.isascii() and body.isdigit()) or (n == ID_LENGTH and number[17] not in "0123456789X"):
        return IdCheck("invalid", "id.error.bad_char", n, number)
    if n == ID_LENGTH:
        try:
            parse_id_number(number, today=today)
        except IdNumberError as exc:
            return IdCheck("invalid", f"id.error.{exc.code}", n, number)
        return IdCheck("valid", "id.ok", n, number)
    if n >= 14 and not _plausible_birth_date(number[6:14], today or agency_today()):
        return IdCheck("invalid", "id.error.birth_date", n, number)
    return IdCheck("typing", "id.progress", n, number)


def _plausible_birth_date(yyyymmdd: str, today: date) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def submit_id_error(text: str, *, today: date | None = None) -> str | None:
    """The catalog key that blocks submitting ``text`` as an ID number, or None when it is fine."""
    check = check_id_as_typed(text, today=today)
    if check.status == "empty":
        return "id.error.required"
    if check.status == "typing":
        if check.count == 15 and check.number.isdigit():
            return "id.error.old_number"
        return "id.error.format"
    if check.status == "invalid":
        return check.message_key
    return None


@dataclass
class IdentityForm:
    """ID number + name, as on the status-lookup and identity-entry screens."""

    id_text: str = ""
    name: str = ""
    # Set once the user pressed the button: from then on, empty fields show their error too.
    attempted: bool = False

    @property
    def id_check(self) -> IdCheck:
        return check_id_as_typed(self.id_text)

    def id_error_key(self) -> str | None:
        """Error to show under the ID field now (while typing: only certain errors)."""
        if self.attempted:
            return submit_id_error(self.id_text)
        check = self.id_check
        return check.message_key if check.status == "invalid" else None

    def name_error_key(self) -> str | None:
        if self.attempted and not self.clean_name:
            return "name.error.required"
        return None

    @property
    def clean_name(self) -> str:
        return " ".join(self.name.split())

    def ready(self) -> bool:
        return submit_id_error(self.id_text) is None and bool(self.clean_name)

    def attempt(self) -> bool:
        """The user pressed the button: True when the form may be sent."""
        self.attempted = True
        return self.ready()

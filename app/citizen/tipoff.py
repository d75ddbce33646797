"""The public tip-off (举报) and its lookup without a UI: the form checked here before it is sent (the
server checks again), the reference and one-time lookup code it answers, and the lookup by both."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from app.common.api_client import ApiError
from app.common.notices import Notice, notice_for
from shared.case_schemas import DESCRIPTION_MAX, TipoffCreate, TipoffLookup, TipoffReceipt, TipoffStatus
from shared.reference import parse as parse_reference

if TYPE_CHECKING:
    from app.common.api_client import ApiClient

MIN_DESCRIPTION = 10
NAME_MAX = 50
_ID = re.compile(r"^[0-9]{17}[0-9Xx]$")
_PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
_CODE = re.compile(r"^[2-9A-HJKMNP-Za-hjkmnp-z]{8}$")


@dataclass
class TipoffForm:
    name: str = ""
    id_number: str = ""
    description: str = ""
    phone: str = ""
    receipt: TipoffReceipt | None = None
    notice: Notice | None = None
    busy: bool = False

    def problem(self) -> Notice | None:
        """What keeps the form from being sent (checked here first), or None."""
        if not self.name.strip():
            return Notice(key="tipoff.problem.name")
        if self.id_number.strip() and not _ID.match(self.id_number.strip()):
            return Notice(key="tipoff.problem.id")
        if len(self.description.strip()) < MIN_DESCRIPTION:
            return Notice(key="tipoff.problem.description", params={"min": MIN_DESCRIPTION})
        if self.phone.strip() and not _PHONE.match(self.phone.strip()):
            return Notice(key="tipoff.problem.phone")
        return None

    async def submit(self, api: ApiClient) -> bool:
        self.notice = self.problem()
        if self.notice is not None or self.busy:
            return False
        self.busy = True
        try:
            request = TipoffCreate(
                subject_name=self.name.strip()[:NAME_MAX],
                subject_id_number=self.id_number.strip().upper() or None,
                description=self.description.strip()[:DESCRIPTION_MAX],
                contact_phone=self.phone.strip() or None,
            )
            self.receipt = await api.submit_tipoff(request)
        except ValidationError:
            self.notice = Notice(key="tipoff.problem.description", params={"min": MIN_DESCRIPTION})
            return False
        except ApiError as exc:
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False
        return True


@dataclass
class TipoffCheck:
    reference: str = ""
    code: str = ""
    result: TipoffStatus | None = None
    notice: Notice | None = None
    busy: bool = False

    async def submit(self, api: ApiClient) -> bool:
        self.result, self.notice = None, None
        reference = parse_reference(self.reference)
        code = self.code.strip().replace(" ", "").upper()
        if reference is None or not _CODE.match(code):
            self.notice = Notice(key="tipoff.lookup.problem")
            return False
        if self.busy:
            return False
        self.busy = True
        try:
            self.result = await api.lookup_tipoff(TipoffLookup(reference=reference, lookup_code=code))
        except ApiError as exc:
            self.notice = notice_for(exc)
            return False
        finally:
            self.busy = False
        return True

"""One review item opened by a reviewer, without a UI: its history, its evidence files opened one by one
(the API records each first opening), and whether approving is possible yet.

Approving needs every file that still exists opened by this reviewer, and that the reviewer took no part in
the case: ``can_approve`` says so from the item as the API last described it (``opened_by_me`` per file,
``approval_blocked``); the API checks again when the decision is sent (409 ``evidence_not_opened``, 403
``same_staff``). A decision needs a reason in both directions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.staff.action_state import ActionState
from app.staff.case_client import CaseClient
from shared.schemas import EvidencePublic, ReviewItemPublic

MIN_REASON = 3


@dataclass
class ReviewCase(ActionState):
    item: ReviewItemPublic | None = None
    contents: dict[int, bytes] = field(default_factory=dict)  # evidence id → the bytes opened

    @property
    def open(self) -> bool:
        return self.item is not None

    async def load(self, client: CaseClient, review_id: str) -> bool:
        item = await self.call(lambda: client.review_item(review_id))
        if item is None:
            return False
        if self.item is None or self.item.review_id != review_id:
            self.contents = {}
        self.item = item
        return True

    async def open_evidence(self, client: CaseClient, evidence_id: int) -> bytes | None:
        """The file's bytes (kept for showing a photo inline); the item is reloaded so that its history and
        ``opened_by_me`` show this opening."""
        if self.item is None:
            return None
        review_id = self.item.review_id
        data = await self.call(lambda: client.evidence(review_id, evidence_id))
        if data is None:
            return None
        self.contents[evidence_id] = data
        await self.load(client, review_id)
        return data

    @property
    def files(self) -> list[EvidencePublic]:
        return list(self.item.evidence) if self.item is not None else []

    @property
    def unopened(self) -> list[EvidencePublic]:
        """Files this reviewer still has to open before approving (deleted files do not count)."""
        return [e for e in self.files if not e.purged and not e.opened_by_me]

    @property
    def pending(self) -> bool:
        return self.item is not None and self.item.status == "pending"

    @property
    def took_part(self) -> bool:
        return self.item is not None and self.item.approval_blocked == "same_staff"

    @property
    def can_approve(self) -> bool:
        return self.pending and not self.took_part and not self.unopened

    def approve_hint_key(self) -> str | None:
        """Why the approve button is disabled (a catalog key), or None when it is enabled."""
        if not self.pending:
            return None
        if self.took_part:
            return "error.same_staff"
        if self.unopened:
            return "review.case.open_all"
        return None

    def close(self) -> None:
        self.item, self.contents = None, {}
        self.clear()

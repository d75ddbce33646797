"""Live quality hints before a face challenge: the wire shape of ``POST /api/v1/challenges/{id}/preview``
and which hint the app shows for each quality reason (pure data, no I/O)."""

from __future__ import annotations

from shared.wire import Answer

# The quality-gate reason codes (face.types.ReasonCode values) grouped into the few hints a person can act
# on before the challenge starts: more light, face the window (backlit), hold the phone closer, ...
# Anything else (a reason added later) falls back to "face the camera".
HINT_KEYS: dict[str, str] = {
    "too_dark": "hint.too_dark",
    "backlit": "hint.backlit",
    "face_too_small": "hint.move_closer",
    "image_too_small": "hint.move_closer",
    "multiple_faces": "hint.someone_else",
    "no_face": "hint.face_camera",
    "face_cut_off": "hint.face_camera",
    "eyes_not_visible": "hint.face_camera",
    "blurred": "hint.hold_still",
}
DEFAULT_HINT_KEY = "hint.face_camera"


def hint_key(reason: str) -> str:
    """The catalog key of the one large hint for a quality reason code."""
    return HINT_KEYS.get(reason, DEFAULT_HINT_KEY)


class PreviewResult(Answer):
    """The quality gate's verdict on one preview picture (nothing is stored or counted)."""

    ok: bool
    reason: str  # face.types.ReasonCode value, "ok" when the picture is fine
    message: str  # a plain sentence (English) for logs and clients without catalogs

"""Spoken guidance: each challenge instruction and the result are also spoken, from audio files made at
build time by ``build/speech.py`` (Debian's espeak-ng: Mandarin for zh-Hans and zh-Hant, English for en) and
played with flet-audio. On by default; a switch on the settings screen (``Settings.speech``).

The files live in ``app/common/speech_audio/<language>/<catalog key>.wav`` (generated, not committed:
``lifecert demo`` and the build make them); the web server links that folder into its assets as ``/speech``.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

AUDIO_DIR = Path(__file__).resolve().parent / "speech_audio"
URL_PREFIX = "/speech"
# The catalog keys that are spoken: the challenge instructions, the opening instruction and each result.
SPOKEN_KEYS: tuple[str, ...] = (
    "camera.hold_still",
    "action.blink",
    "action.open_mouth",
    "action.turn_left",
    "action.turn_right",
    "outcome.passed.title",
    "outcome.failed.title",
    "outcome.needs_review.title",
)
VOICES = {"zh-Hans": "cmn", "zh-Hant": "cmn", "en": "en"}  # espeak-ng voices: Mandarin, English
RESULT_KEYS = {
    "passed": "outcome.passed.title",
    "failed": "outcome.failed.title",
    "needs_review": "outcome.needs_review.title",
}

Player = Callable[[str], Awaitable[None]]


def audio_file(language: str, key: str, root: Path = AUDIO_DIR) -> Path:
    return root / language / f"{key}.wav"


def audio_url(language: str, key: str) -> str:
    return f"{URL_PREFIX}/{language}/{key}.wav"


def install_speech(assets_dir: Path, root: Path = AUDIO_DIR) -> bool:
    """Link the generated audio into the web server's assets as ``/speech``; False when not generated."""
    if not root.is_dir():
        return False
    target = assets_dir / URL_PREFIX.strip("/")
    if not target.exists():
        os.symlink(root, target, target_is_directory=True)
    return True


class Speaker:
    """Says a catalog key in the session's language when speech is on and its file exists; ``player``
    plays a URL (flet-audio in the app; tests pass their own and see what would be heard)."""

    def __init__(
        self, enabled: Callable[[], bool], language: Callable[[], str], player: Player, root: Path = AUDIO_DIR
    ) -> None:
        self._enabled = enabled
        self._language = language
        self._player = player
        self._root = root

    async def say(self, key: str) -> bool:
        language = self._language()
        if not self._enabled() or key not in SPOKEN_KEYS:
            return False
        if not audio_file(language, key, self._root).is_file():
            return False
        await self._player(audio_url(language, key))
        return True


def flet_audio_player() -> Player:
    """A player on flet-audio: one ``Audio`` service per clip, made in the session on first use."""
    import flet_audio as fa

    clips: dict[str, fa.Audio] = {}

    async def play(url: str) -> None:
        clip = clips.get(url)
        if clip is None:
            clip = clips[url] = fa.Audio(src=url, autoplay=False, release_mode=fa.ReleaseMode.STOP)
        await clip.play()

    return play

"""Spoken guidance: build/speech.py makes one WAV per spoken key and language with the real espeak-ng
(Mandarin for both Chinese catalogs, English for en); the Speaker says a key only when speech is on and
its file exists, in the session's language."""

from __future__ import annotations

import shutil
import subprocess
import sys
import wave

import pytest

from app.common.speech import SPOKEN_KEYS, Speaker, audio_file, audio_url, install_speech
from shared.i18n import LANGUAGES
from tests.shared_data import REPO_ROOT, in_ci


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        if in_ci():
            pytest.fail("espeak-ng not found (apt-get install -y espeak-ng)")
        pytest.skip("espeak-ng not found (apt-get install -y espeak-ng)")
    out = tmp_path_factory.mktemp("speech")
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "build" / "speech.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_every_spoken_key_is_made_in_every_language(made) -> None:
    for language in LANGUAGES:
        for key in SPOKEN_KEYS:
            with wave.open(str(audio_file(language, key, made))) as clip:
                seconds = clip.getnframes() / clip.getframerate()
            assert 0.3 < seconds < 8, (language, key, seconds)
    # Mandarin and English are different recordings of different texts
    zh, en = audio_file("zh-Hans", "action.blink", made), audio_file("en", "action.blink", made)
    assert zh.read_bytes() != en.read_bytes()


async def test_the_speaker_says_the_file_of_the_key_in_the_language_when_on(made, tmp_path) -> None:
    heard: list[str] = []

    async def player(url: str) -> None:
        heard.append(url)

    settings = {"on": True, "language": "zh-Hans"}
    speaker = Speaker(lambda: settings["on"], lambda: settings["language"], player, root=made)
    assert await speaker.say("action.open_mouth")
    settings["language"] = "en"
    assert await speaker.say("action.blink")
    assert heard == ["/speech/zh-Hans/action.open_mouth.wav", "/speech/en/action.blink.wav"]
    settings["on"] = False
    assert not await speaker.say("action.blink") and len(heard) == 2
    settings["on"] = True
    assert not await speaker.say("camera.uploading")  # not a spoken key
    assert audio_url("zh-Hant", "action.blink") == "/speech/zh-Hant/action.blink.wav"
    assert install_speech(tmp_path, root=made) and (tmp_path / "speech" / "en" / "action.blink.wav").is_file()
    assert not install_speech(tmp_path / "other", root=tmp_path / "missing")

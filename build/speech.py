"""Make the spoken-guidance audio of both apps (app/common/speech.py): one WAV per spoken catalog key and
language, with Debian's espeak-ng (``apt-get install espeak-ng``) — Mandarin (``cmn``) for zh-Hans and
zh-Hant, English for en. The files are not committed (``lifecert demo`` and the app builds run this)::

    python build/speech.py [--out app/common/speech_audio]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.common.speech import AUDIO_DIR, SPOKEN_KEYS, VOICES, audio_file  # noqa: E402
from shared.i18n import LANGUAGES, translate  # noqa: E402

SPEED_WPM = 130  # slower than espeak-ng's 175: older listeners


def generate(out: Path = AUDIO_DIR, espeak: str | None = None) -> list[Path]:
    """Every (language, key) file under ``out``; an existing file is kept (RuntimeError without espeak-ng)."""
    espeak = espeak or shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng not found: apt-get install espeak-ng")
    made = []
    for language in LANGUAGES:
        for key in SPOKEN_KEYS:
            target = audio_file(language, key, out)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file():
                text = translate(language, key)
                command = [espeak, "-v", VOICES[language], "-s", str(SPEED_WPM), "-w", str(target), text]
                subprocess.run(command, check=True, capture_output=True)
            made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=AUDIO_DIR)
    args = parser.parse_args(argv)
    files = generate(args.out)
    print(f"{len(files)} audio files in {args.out} ({sum(f.stat().st_size for f in files) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

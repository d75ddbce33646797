"""Personal data never reaches a log: ID numbers (18-character GB 11643), phone numbers, password hashes and
bearer tokens are masked in every log record — its message, its arguments, its exception traceback (where
SQLAlchemy prints the parameters of a failed statement) and its stack.

:func:`install` (called by ``create_app`` and the ``lifecert`` command) wraps the log record factory, so
records of every logger are masked when they are made, whichever handler later writes them (uvicorn's,
the root logger's, a test's). :class:`PiiFilter` does the same as a ``logging.Filter`` for a handler set up
by hand.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Callable
from typing import Any

from shared.idnumber import mask_id

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
# mainland mobiles (optionally +86 / 0086, spaces or dashes between groups) and landlines with an area code
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[ \-]?)?(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d\-])(0\d{2,3})-(\d{7,8})(?![\d\-])")
_ARGON2 = re.compile(r"\$argon2(?:id|i|d)\$[^\s'\"]+")
_BCRYPT = re.compile(r"\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}")


def _id(match: re.Match[str]) -> str:
    return mask_id(match.group(0))


def mask_text(text: str) -> str:
    """``text`` with every ID number, phone number, password hash and bearer token masked."""
    if not text:
        return text
    text = _ARGON2.sub("$argon2…[hash]", text)
    text = _BCRYPT.sub("$2…[hash]", text)
    text = _BEARER.sub(r"\1[token]", text)
    text = _ID.sub(_id, text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-2:]}", text)


def _masked_arg(arg: object) -> object:
    """One format argument, masked: text becomes masked text; numbers, None and booleans stay (``%d`` still
    formats them); anything else becomes its masked ``str`` (its ``__str__`` may print personal data)."""
    if arg is None or isinstance(arg, bool | int | float):
        return arg
    return mask_text(arg if isinstance(arg, str) else str(arg))


def _masked_args(args: Any) -> Any:
    if isinstance(args, tuple):
        return tuple(_masked_arg(a) for a in args)
    if isinstance(args, dict):
        return {k: _masked_arg(v) for k, v in args.items()}
    return args


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask ``record`` in place: the message and its arguments, the traceback and the stack become masked
    text. The arguments stay arguments where formatting still works with the masked ones (uvicorn's access
    formatter unpacks them: client, method, path, version, status); else the message is collapsed to one
    masked text."""
    if getattr(record, "_pii_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what there is, masked
        message = f"{record.msg} {record.args}"
        record.msg, record.args = mask_text(message), None
    else:
        if mask_text(message) != message:
            if isinstance(record.msg, str):
                record.msg = mask_text(record.msg)
            record.args = _masked_args(record.args)
            try:
                still_personal = mask_text(record.getMessage()) != record.getMessage()
            except Exception:
                still_personal = True
            if still_personal:  # personal data only the formatted message shows (split across arguments)
                record.msg, record.args = mask_text(message), None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = mask_text("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        record.exc_info = None  # formatters print exc_text as is
    elif record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    record._pii_masked = True
    return record


class PiiFilter(logging.Filter):
    """A filter that masks personal data in each record it sees (and never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_lock = threading.Lock()
_installed = False


def install() -> None:
    """Mask every log record of the process from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return mask_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True

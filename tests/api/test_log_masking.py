"""No personal data in logs (issue 16, finding 13): ID numbers, phone numbers, password hashes and bearer
tokens are masked in every record — messages, SQLAlchemy's parameter logs and exception tracebacks
(a failed statement prints its parameters) — once the app or the CLI has installed the masking."""

from __future__ import annotations

import logging
from datetime import date

import pytest
import sqlalchemy as sa

from api.auth.passwords import hash_password
from api.core.log_masking import PiiFilter, install, mask_text
from shared.idnumber import make_id_number

ID_NUMBER = make_id_number("110101", date(1950, 3, 15), 123)
PHONE = "13912345678"


def test_mask_text() -> None:
    hashed = hash_password("correct horse")
    text = (
        f"id={ID_NUMBER} phone={PHONE} tel=+86 139-1234-5678 office=010-62345678 hash={hashed} "
        "Bearer abcdefghijkl.mnop"
    )
    masked = mask_text(text)
    assert ID_NUMBER not in masked and ID_NUMBER[:4] in masked and ID_NUMBER[-4:] in masked
    assert PHONE not in masked and "139****5678" in masked
    assert "1234-5678" not in masked and "62345678" not in masked
    assert hashed not in masked and "$argon2" in masked
    assert "abcdefghijkl" not in masked
    assert mask_text("seq 12345 at 2026-11-30 09:00:01, 1950") == "seq 12345 at 2026-11-30 09:00:01, 1950"


def test_filter_masks_message_arguments_and_traceback() -> None:
    record = None
    try:
        raise ValueError(f"bad row for {ID_NUMBER}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "phone %s", (PHONE,), sys.exc_info())
    assert PiiFilter().filter(record)
    text = logging.Formatter().format(record)
    assert PHONE not in text and ID_NUMBER not in text
    assert "Traceback" in text and "ValueError" in text


def test_sqlalchemy_parameters_and_failed_statements_are_masked(db_url, caplog) -> None:
    from api.core.db import make_engine

    install()
    hashed = hash_password("another secret")
    engine = make_engine(db_url, echo=True)
    log = logging.getLogger("lifecert.api")
    caplog.set_level(logging.INFO)
    try:
        with engine.connect() as conn:
            conn.execute(
                sa.text("SELECT :id, :phone, :hash"), {"id": ID_NUMBER, "phone": PHONE, "hash": hashed}
            )
            try:
                conn.execute(
                    sa.text("INSERT INTO no_such_table (id_number, phone) VALUES (:id, :phone)"),
                    {"id": ID_NUMBER, "phone": PHONE},
                )
            except sa.exc.DBAPIError as exc:
                log.exception("database error: %s", exc)
    finally:
        engine.dispose()
    text = caplog.text
    assert "no_such_table" in text and "Traceback" in text  # the records are there …
    assert ID_NUMBER not in text and PHONE not in text and hashed not in text  # … without the data
    assert ID_NUMBER[-4:] in text


@pytest.mark.parametrize("where", ["app", "cli"])
def test_app_and_cli_install_the_masking(where: str, settings, capsys) -> None:
    import api.core.log_masking as masking

    if where == "app":
        from api.main import create_app

        create_app(settings)
    else:
        from api.cli import main

        main(["settings"])
    assert masking._installed
    record = logging.getLogger("any.library").makeRecord(
        "any.library", logging.WARNING, __file__, 1, "user %s", (ID_NUMBER,), None
    )
    assert ID_NUMBER not in record.getMessage()


def test_uvicorn_access_log_formats_with_the_path_masked() -> None:
    """uvicorn's access formatter unpacks the record's five arguments: masking keeps them arguments (a
    collapsed record made every access line a "--- Logging error ---" with a traceback)."""
    from uvicorn.logging import AccessFormatter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/api/v1/status?id={ID_NUMBER}", "1.1", 200),
        None,
    )
    PiiFilter().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    assert ID_NUMBER not in line
    assert line.startswith('127.0.0.1:5000 - "GET /api/v1/status?id=1101') and line.endswith(" 200 OK")
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "%s served %d", ("/healthz", 200), None)
    PiiFilter().filter(plain)
    assert plain.args == ("/healthz", 200)  # nothing personal: the record is left as it was

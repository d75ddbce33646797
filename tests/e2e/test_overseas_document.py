"""Living abroad in Chromium: the consulate's life certificate picked with the browser's file chooser
and sent."""

from __future__ import annotations

from tests.e2e.flutter import expect_text, open_app, tap, type_into, widget
from tests.shared_data import require_shared


def test_resident_abroad_sends_the_consulate_form(page, stack, shots) -> None:
    from api.demo import DEMO_PEOPLE

    person = next(p for p in DEMO_PEOPLE if p.name == "陈美华")  # lives in Los Angeles
    document = require_shared("faces", "identities", "biden", "biden.jpg")  # stands in for a scanned form
    open_app(page, stack.web_url, "home-abroad")
    tap(page, "home-abroad")
    widget(page, "abroad-document").wait_for()
    shots(page, "abroad")
    tap(page, "abroad-document")
    widget(page, "document-id").wait_for()
    type_into(page, "document-id", person.id_number)
    type_into(page, "document-name", person.name)
    tap(page, "document-submit")
    expect_text(page, "document-notice", "请先选择要上传的文件")
    with page.expect_file_chooser() as chooser:
        tap(page, "document-pick")
    chooser.value.set_files(str(document))
    expect_text(page, "document-picked", "biden.jpg")
    shots(page, "picked")
    tap(page, "document-submit")
    expect_text(page, "document-done", "已提交")
    expect_text(page, "document-expected", "以前审核")
    expect_text(page, "document-review-id", "受理编号：")
    shots(page, "sent")

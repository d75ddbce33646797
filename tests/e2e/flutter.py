"""Driving a Flet (Flutter web) page: semantics on, widgets found by ``ft.Semantics(identifier=...)``."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# How long a state may take to appear before the test gives up: a cap for a broken run, not a pace — on a
# machine with both cores busy (CI runs the browser tests so) a Flet screen can take tens of seconds.
TIMEOUT_MS = 90_000


def open_app(page: Page, url: str, first_id: str = "screen-title") -> None:
    """Load the client, switch Flutter's semantics tree on and wait until ``first_id`` is shown. A load whose
    app never started (skwasm in headless Chromium keeps Flet's start-up picture now and then, see
    tests/e2e/conftest.py), or whose load event never came, is loaded once more; a second stall fails."""
    for attempt in (1, 2):
        try:
            # the page's own cap, not the context's default (30 s unless a test set it): on a busy machine
            # the load event of the client's first page (the wasm and font assets) came after 30 s
            page.goto(url, timeout=2 * TIMEOUT_MS)
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=2 * TIMEOUT_MS)
            page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
            widget(page, first_id).wait_for(state="attached", timeout=TIMEOUT_MS)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def widget(page: Page, identifier: str) -> Locator:
    return page.locator(f'[flt-semantics-identifier="{identifier}"]').first


def tap(page: Page, identifier: str) -> None:
    """Tap the widget, scrolled to first when it is below the fold (Flutter leaves far-off widgets out of the
    semantics tree: a staff screen's buttons sit under a navigation block of four rows)."""
    reach(page, identifier)
    widget(page, identifier).click()


TYPE_ATTEMPTS = 3


def type_into(page: Page, identifier: str, text: str, replace: bool = False) -> None:
    """Focus the text field tagged ``identifier`` and type ``text`` key by key (on_change per key); a field
    far below the fold (a long review page) is scrolled to first. Under skwasm a field's editing element may
    be replaced while it is focused, and keys typed then are lost (CI: an empty ID-number field, a focus that
    waited out its timeout): the text is checked where the field has an editing element, and the field is
    cleared and typed again, at most TYPE_ATTEMPTS times. ``replace``: the field's text (a month field
    opens with last month) is replaced by ``text`` instead of added to."""
    wanted: str | None = text if replace else None  # what the field should hold: what it held, then ``text``
    for _ in range(TYPE_ATTEMPTS):
        reach(page, identifier)
        field = widget(page, identifier)
        editor = field.locator("input, textarea")
        # Focus the field's own editing element where it has one: a tap goes to where the node's rectangle
        # is in the semantics tree, which lags behind a scroll that is still settling on a busy machine (a
        # tap meant for a recovery case's note field landed on a navigation button drawn there).
        if not editor.count():  # Flutter makes the editing element when the field is tapped
            field.click()
        target = editor.first if editor.count() else field
        try:
            target.focus(timeout=TIMEOUT_MS // 6)
            if wanted is None:  # first try, adding to what the field holds
                held = editor.first.input_value(timeout=TIMEOUT_MS // 6) if editor.count() else ""
                wanted = held + text
                page.keyboard.type(text, delay=20)
            else:
                page.keyboard.press("Control+A")
                page.keyboard.press("Delete")
                page.keyboard.type(wanted, delay=20)
            if not editor.count() or editor.first.input_value(timeout=TIMEOUT_MS // 6) == wanted:
                return
        except PlaywrightTimeout:
            pass
    raise AssertionError(f"{identifier}: the typed text did not stay in the field ({TYPE_ATTEMPTS} tries)")


def text_of(page: Page, identifier: str) -> str:
    """The text Flutter exposes for a widget (its label or its own text)."""
    node = widget(page, identifier)
    return (node.get_attribute("aria-label") or "") + node.inner_text()


def expect_text(page: Page, identifier: str, pattern: str) -> None:
    """Wait until the widget's text (or label) matches ``pattern`` (a regular expression). A widget not in
    the semantics tree within a third of the cap is looked for by scrolling (``reach``): Flutter leaves out
    what is off screen, and in a busy-core run a review card's title was missing from a tree that held the
    rest of its card for the whole 90 s; scrolling makes Flutter send the tree again."""
    node = widget(page, identifier)
    rx = re.compile(pattern)
    try:
        node.wait_for(state="attached", timeout=TIMEOUT_MS // 3)
    except PlaywrightTimeout:
        reach(page, identifier)
    try:
        expect(node).to_have_text(rx, timeout=TIMEOUT_MS)
    except AssertionError:
        expect(node).to_have_attribute("aria-label", rx, timeout=2_000)


def reach(page: Page, identifier: str) -> None:
    """Scroll until the widget is in the semantics tree (Flutter leaves out what is far off screen): down
    first, then back up; each step waits for the node, not for a time."""
    node = widget(page, identifier)
    for delta in [400] * 10 + [-400] * 20:
        if node.count():
            with contextlib.suppress(PlaywrightError):  # redrawn meanwhile: the new node is there anyway
                node.scroll_into_view_if_needed(timeout=5_000)
            return
        size = page.viewport_size  # the wheel over the page's right margin: never over a text field
        page.mouse.move(size["width"] - 8, size["height"] / 2)
        page.mouse.wheel(0, delta)
        try:
            node.wait_for(state="attached", timeout=1_500)
        except PlaywrightTimeout:
            continue
    node.wait_for(state="attached", timeout=TIMEOUT_MS)

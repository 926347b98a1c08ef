"""The app in real headless Chromium (Debian's package, driven by Playwright; never a downloaded browser).

A reviewer logs in, reviews three tasks with the keyboard, edits a deadline, searches "bo noi vu", opens a
document; the document with ``<script>``, event-handler attributes and ``javascript:`` links stays inert on every
page. Screenshots go to ``test-artifacts/web/``. Skipped where /usr/bin/chromium is missing, failed in CI.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servicekit import unavailable
from webkit import PASSWORD, token_of

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} not found (on Debian: apt-get install chromium)", "CI must install it")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(sqlite_db) -> Iterator[str]:
    """The app under uvicorn in a thread, on a free port of 127.0.0.1."""
    import uvicorn

    from pipeline.web import create_app

    app = create_app(sqlite_db, secret_key="browser-test", webhooks=False)
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser_context(chromium, tmp_path_factory):  # noqa: ANN201
    """One Chromium for the module, with a fresh profile (user-data-dir)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(chromium), headless=True,
            args=ARGS, viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context):  # noqa: ANN201
    """A new tab with no cookies, noting every dialog and uncaught script error."""
    browser_context.clear_cookies()
    page = browser_context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    page.close()


def _shot(page, name: str, *, full: bool = False) -> None:  # noqa: ANN001
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def _api(page, base: str, path: str):  # noqa: ANN001, ANN202
    return page.request.get(base + path).json()


def _statuses(page, base: str) -> dict[int, str]:  # noqa: ANN001
    items = _api(page, base, "/api/tasks?limit=100")["items"]
    return {t["id"]: t["review_status"] for t in items}


def _log_in(page, base: str) -> None:  # noqa: ANN001
    page.goto(base + "/review")
    assert "/login" in page.url
    page.fill('input[name="name"]', "reviewer")
    page.fill('input[name="password"]', PASSWORD)
    _shot(page, "01-login")
    with page.expect_navigation():
        page.click('button[type="submit"].primary')
    assert page.url == base + "/review"


def test_review_with_the_keyboard_edit_search_and_document(server, page):
    base = server
    _log_in(page, base)
    cards = page.locator(".card[data-task]")
    assert cards.count() == 13
    first_three = [int(cards.nth(i).get_attribute("data-task")) for i in range(3)]
    _shot(page, "02-queue")

    # a, r, a: each moves the focus to the next card; j/k move it by hand.
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.locator(".card.current").get_attribute("data-task") == str(first_three[0])
    for key, status in zip("ara", ("accepted", "rejected", "accepted"), strict=True):
        current = page.locator(".card.current")
        task = current.get_attribute("data-task")
        page.keyboard.press(key)
        page.wait_for_selector(f'.card[data-task="{task}"][data-status="{status}"]')
    statuses = _statuses(page, base)
    assert [statuses[t] for t in first_three] == ["accepted", "rejected", "accepted"]
    assert page.locator(".card.current").get_attribute("data-task") == cards.nth(3).get_attribute("data-task")
    _shot(page, "03-reviewed-three")

    # e opens the current card's form; a new deadline is saved as an edit.
    task = int(page.locator(".card.current").get_attribute("data-task"))
    page.keyboard.press("e")
    form = page.locator(".card.current form[data-role='edit-form']")
    assert form.is_visible()
    added = form.locator('input[name="responsible"]').last
    added.fill("bo noi")  # the gazetteer suggests bodies as one types, without diacritics
    page.wait_for_selector('#bodies-list option[value="Bộ Nội vụ"]', state="attached")
    added.fill("")
    form.locator('input[name="deadline"]').fill("2025-12-24")
    _shot(page, "04-edit")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    detail = _api(page, base, f"/api/tasks/{task}")
    assert detail["task"]["deadline"] == "2025-12-24" and detail["task"]["review_status"] == "edited"
    assert [(e["field"], e["after"]) for e in detail["reviews"]][0] == ("deadline", "2025-12-24")
    assert page.locator(f'.card[data-task="{task}"]').count() == 0  # reviewed: out of the queue

    # Search without diacritics, then open a result's document.
    page.goto(base + "/search")
    page.fill('input[name="q"]', "bo noi vu")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=bo+noi+vu" in page.url
    results = page.locator(".result")
    assert results.count() >= 1
    assert "Bộ Nội vụ" in results.first.inner_text()
    assert page.locator('[data-facet="body"]').is_visible()
    _shot(page, "05-search")
    with page.expect_navigation():
        results.first.locator("p.meta a[href^='/documents/']").click()
    assert page.locator(".doctext mark.hl-directive").count() >= 1
    assert page.locator(".doctext mark.hl-figure").count() == 2
    assert page.locator(".doc-lists li").count() >= 5
    _shot(page, "06-document", full=True)
    assert page.errors == [] and page.dialogs == []


def test_crawled_script_stays_inert_on_every_page(server, page, sqlite_db):
    base = server
    _log_in(page, base)
    tasks = _api(page, base, "/api/tasks?q=xang+dau")["items"]
    assert len(tasks) == 1
    task, doc = tasks[0]["id"], tasks[0]["document"]["document_id"]
    token = token_of(sqlite_db)
    pages = [f"/documents/{doc}", f"/tasks/{task}", "/review?body=Bộ+Công+Thương", "/search?q=xang+dau",
             "/documents", "/", f"/tasks/{task}?edit=1"]
    for i, path in enumerate(pages):
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.mouse.move(400, 400)  # hover handlers, were there any
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("main script, main img, main svg[onload], main [onerror], main [onmouseover]").count() == 0
        assert page.locator('a[href^="javascript:"]').count() == 0, path
        _shot(page, f"07-inert-{i}")
    page.goto(base + f"/documents/{doc}")
    text = page.locator(".doctext").inner_text()
    assert "<script>window.__pwned='script-in-task'</script>" in text  # shown as text, as the source has it
    assert "<a href=\"javascript:window.__pwned='js-link'\">" in text
    assert page.evaluate("window.__pwned") is None
    # The review card shows the injected clause too, and reviewing it by keyboard works as for any other.
    page.goto(base + "/review?body=Bộ+Công+Thương")
    page.keyboard.press("a")
    page.wait_for_selector(f'.card[data-task="{task}"][data-status="accepted"]')
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == [] and page.errors == []
    assert token  # the machine token exists (used by the API tests); the browser never needs it

"""A live server and Debian's Chromium, driven by Playwright.

Without /usr/bin/chromium these tests are skipped with the reason shown; with
PORTAL_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser fails them instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from ..conftest import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        reason = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app, database_url) -> Iterator[LiveServer]:
    """The app as served (CSRF on) on a free local port, sharing the test's database."""
    served = make_app(database_url, WTF_CSRF_ENABLED=True, TESTING=False)
    server = LiveServer(served)
    server.start()
    yield server
    server.stop()
    with served.app_context():
        from intern_portal.extensions import db

        db.engine.dispose()


def _watched_page(context):
    """A page that records script errors, CSP refusals and failed assets (not page statuses)."""
    page = context.new_page()
    problems: list[str] = []

    def on_console(msg) -> None:  # noqa: ANN001
        # A re-rendered form answers 422 on purpose; Chromium logs that as a failed load.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(msg.text)

    def on_response(response) -> None:  # noqa: ANN001
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", on_response)
    return page, problems


@pytest.fixture
def page(chromium, live_server):
    """A laptop-sized page; the test fails on script errors, CSP refusals or missing assets."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}
    )
    page, problems = _watched_page(context)
    yield page
    context.close()
    assert problems == [], f"the browser reported: {problems}"


@pytest.fixture
def phone_page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True,
        has_touch=True,
    )
    page, problems = _watched_page(context)
    yield page
    context.close()
    assert problems == [], f"the browser reported: {problems}"


def sign_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

"""A program lead uploads a large interns file and watches it finish in the page."""

from intern_portal.jobs import run_imports
from intern_portal.models import Role

from .. import factories
from ..test_import import INTERN_HEADER, intern_row
from ..workers import JobLoop
from .conftest import sign_in

ROWS = 1200  # above the inline limit, so the import waits for a worker to claim it


def test_large_import_shows_progress_then_the_outcome(page, live_server, tmp_path):
    manager = factories.user(Role.MANAGER, email="maya@example.com")
    org = factories.org("Alexa AI")
    factories.team(org_=org, manager=manager, name="Product Knowledge Graph")
    factories.summer_2026()
    lead = factories.user(Role.PROGRAM_LEAD, email="lead@example.com")
    path = tmp_path / "interns.csv"
    path.write_text("\n".join([INTERN_HEADER, *(intern_row(n) for n in range(ROWS))]) + "\n")

    sign_in(page, lead.email, factories.PASSWORD)
    page.get_by_role("button", name="Program").click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("What the file holds").select_option("interns")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check and import").click()

    assert page.get_by_role("heading", name="Import of interns.csv").is_visible()
    with JobLoop(live_server.app, run_imports):  # the scheduler process, beside the web one
        page.get_by_text(f"Imported: {ROWS} new").wait_for(timeout=30_000)
    assert page.locator(".import-progress-bar").count() == 0

"""A program lead reads the outcome report in a real browser, slices it and downloads the CSV."""

import csv
import io
from datetime import date

from intern_portal.models import InternshipStatus, OutcomeKind, OutcomeStatus, Role, Term

from .. import factories
from .conftest import sign_in


def _program():
    knowledge = factories.team(name="Knowledge Graph")
    speech = factories.team(name="Speech")
    summer = factories.cohort(Term.SUMMER, 2019)
    for n in range(4):
        i = factories.internship(team_=knowledge, cohort_=summer,
                                 status=InternshipStatus.COMPLETED)
        if n < 3:
            factories.outcome(i.project, on=date(2020, 5, 1))
        if n < 2:
            factories.outcome(i.project, OutcomeKind.PRODUCTION,
                              OutcomeStatus.TOWARD_PRODUCTION, top_tier=False)
    for _ in range(2):
        factories.internship(team_=speech, cohort_=summer, status=InternshipStatus.COMPLETED)
    return knowledge


def test_program_lead_slices_the_report_and_downloads_the_csv(page):
    knowledge = _program()
    lead = factories.user(Role.PROGRAM_LEAD)
    sign_in(page, lead.email, factories.PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.wait_for_url("**/reports/")
    summary = page.locator("table.report-summary")
    assert summary.locator('tr[data-metric="projects"] a').inner_text() == "6"
    assert page.locator("#chart-years").is_visible()
    assert page.locator("#chart-teams rect.chart-bar").count() == 6

    page.get_by_label("Team", exact=True).select_option(str(knowledge.id))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/reports/?*team_id={knowledge.id}*")
    assert summary.locator('tr[data-metric="projects"] a').inner_text() == "4"
    assert summary.locator('tr[data-metric="top_tier_share"] a').inner_text() == "75.0 %"
    assert summary.locator('tr[data-metric="both_share"] a').inner_text() == "50.0 %"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV of the summary").click()
    download = download_info.value
    assert download.suggested_filename.startswith("report-summary-")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    values = {row[0]: row[2] for row in rows[1:]}
    assert (values["projects"], values["top_tier_share"], values["both_share"]) == (
        "4", "75.0", "50.0")

    summary.locator('tr[data-metric="production"] a').click()
    page.wait_for_url("**/reports/projects?*")
    assert page.locator("table.report-projects tbody tr").count() == 2

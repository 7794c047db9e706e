"""The decision report in a real Chromium: opened from the file, it asks for nothing else, logs no
error, shows the recommendation and the chart, and prints to a PDF. Screenshots (the page, and as
printed) go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import pytest
from decision_records import screening
from playwright.sync_api import expect

from nbalign.reporting import write_report

pytestmark = pytest.mark.browser


def test_the_report_opens_offline_and_prints(page, artifacts, tmp_path, monkeypatch):
    monkeypatch.setenv("NBALIGN_USER", "ana")
    record = screening(tmp_path / "notebook")
    html, _ = write_report(record, tmp_path / "report" / "screening.html")
    url = html.as_uri()

    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.set_viewport_size({"width": 1000, "height": 1200})
    page.goto(url)

    story = record["standing"]["summary"]["story"]
    expect(page.get_by_test_id("recommendation")).to_be_visible()
    expect(page.get_by_test_id("recommendation")).to_contain_text(story)
    chart = page.get_by_test_id("chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 200, box  # the page's width, legible
    points = chart.locator("circle.nb-point")
    expect(points).to_have_count(len([p for p in record["points"] if p["judged"]]))
    expect(page.get_by_test_id("chart-name")).to_have_text(["best, shipped: logistic"])
    page.screenshot(path=artifacts / "report.png", full_page=True)

    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "report-print.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000, len(pdf)

    assert requests == [url], requests  # the file itself, nothing else: no font, image, style sheet or script
    assert problems == []

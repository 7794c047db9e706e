"""The decision report (nbalign/reporting.py): the decision record as a self-contained HTML page and as
Markdown, each telling the record's story (issue 22). Records are made through a real Session on
scikit-learn's bundled data (tests/decision_records.py), never written by hand."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from decision_records import HOSTILE_MODEL, HOSTILE_OUTCOME, diabetes, plain_auc, screening, without_history

from nbalign.events import short_hash
from nbalign.format import format_family_level, format_score
from nbalign.kpi import time_left
from nbalign.reporting import markdown_text, report_html, report_markdown, write_report


@pytest.fixture(scope="module")
def record(screening_record):
    return screening_record


@pytest.fixture(scope="module")
def html(record):
    return report_html(record)


class Elements(HTMLParser):
    """Every element of a page as (tag, attributes, the text inside it)."""

    def __init__(self, text: str):
        super().__init__()
        self.found: list[tuple[str, dict, list[str]]] = []
        self.open: list[tuple[str, dict, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.found.append(element)
        if tag not in ("meta", "col", "br", "line", "circle", "rect", "path"):
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _, _, text in self.open:
            text.append(data)

    def having(self, **attributes) -> list[tuple[str, dict, str]]:
        return [(tag, attrs, "".join(text)) for tag, attrs, text in self.found
                if all(attrs.get(k.replace("_", "-")) == v for k, v in attributes.items())]


def section(page: str, name: str) -> str:
    """The HTML of one section of the page, by its id."""
    start = page.index(f'<section id="{name}">')
    return page[start:page.index("</section>", start)]


def test_the_sections_come_in_the_order_the_issue_asks(html):
    order = ["outcome", "recommendation", "progress", "models", "chart", "checks", "objective", "shipped", "realized"]
    places = [html.index(f'<section id="{name}">') for name in order]
    assert places == sorted(places)


def test_the_page_says_what_the_record_says(record, html):
    summary = record["standing"]["summary"]
    shipped = record["shipped"]
    outcome = section(html, "outcome")
    assert "Fewer missed malignant tumours at screening" in outcome
    assert "Cut the share of malignant tumours missed from 12% to 8% by 2027-06-30 (" in outcome
    assert "Head of Radiology" in outcome
    recommendation = section(html, "recommendation")
    assert summary["story"] in recommendation
    assert f"{summary['ship']['reason']}." in recommendation
    progress = section(html, "progress")
    assert summary["progress_interval_label"] in progress  # the claim's interval, labelled as the sidebar does
    assert summary["business"]["kpi"]["text"] in progress  # the projected KPI with its interval
    assert "The KPI is projected as 12% × (1 − effect × recall)" in progress  # what the projection assumes
    # the shipped model against the bar now: the record's interval, at its family's level
    now = section(html, "shipped")
    low, high = shipped["bar"]["interval"]
    level, family = format_family_level(shipped["bar"]["level"]), shipped["bar"]["models_compared"]
    assert (family, level) == (3, "98.33%")  # the family the judge's claim over the baseline uses
    assert f"interval {format_score(low)} to {format_score(high)} at {level}, for the best of {family} models" in now
    assert "Its interval holds the target 0.920: reaching it is not shown." in now
    assert "a real gain, clear of min_gain 0.010" in now
    assert "The judge's recommendation." in now
    saved = shipped["saved"]["model"]
    assert saved["file"] in now and saved["sha256"] in now and "(skops)" in now
    assert f"scikit-learn {saved['libraries']['scikit-learn']}" in now
    realized = section(html, "realized")
    assert "10.5%" in realized and "2027-03-31" in realized
    assert "NBA401" in realized and "NBA402" in realized and "Realized KPI outside the projection" in realized


def test_the_time_left_is_counted_to_the_day_the_report_is_for(record):
    written = date.fromisoformat(record["written_at"][:10])
    assert f"({time_left('2027-06-30', written)})" in section(report_html(record), "outcome")  # by default
    assert "2027-06-30 (6 months left)" in section(report_html(record, today=date(2026, 12, 30)), "outcome")
    assert "2027-06-30 (6 weeks overdue)" in section(report_html(record, today=date(2027, 8, 15)), "outcome")


def test_the_models_table_renders_the_records_rows(record, html):
    table = Elements(section(html, "models"))
    rows = [r for r in table.found if r[0] == "tr"][1:]
    assert len(rows) == len(record["standing"]["rows"]) == 4
    names = [text for _, _, text in table.having(**{"class": "name"})]
    assert names == [r["name"] for r in record["standing"]["rows"]]
    words = table.having(**{"class": "verdict tone-good"}) + table.having(**{"class": "verdict tone-neutral"})
    assert sorted(text for _, _, text in words) == sorted(r["word"] for r in record["standing"]["rows"])
    logistic = next(r for r in record["standing"]["rows"] if r["name"] == "logistic")
    models = section(html, "models")
    assert f"+{format_score(logistic['change_vs_baseline'])}" in models
    assert f"+{format_score(logistic['vs_baseline']['low'])} to +{format_score(logistic['vs_baseline']['high'])}" \
        in models
    assert [tag for _, _, tag in table.having(data_tag="shipped")] == ["shipped"]
    assert "91 parameters" in models  # its cost, from the record's point


def test_the_chart_draws_one_mark_per_point_and_names_the_shipped_model(record, html):
    chart = Elements(section(html, "chart"))
    marks = [attrs for tag, attrs, _ in chart.found if attrs.get("class") == "nb-point"]
    drawn = [p for p in record["points"] if p["judged"]]
    assert [m["data-name"] for m in marks] == [p["name"] for p in drawn]
    # the model scored on its training rows is set apart: drawn hollow
    assert [m["data-kind"] for m in marks] == ["model", "model", "model", "apart"]
    assert [text for _, _, text in chart.having(data_testid="chart-name")] == ["best, shipped: logistic"]
    assert len([a for t, a, _ in chart.found if a.get("class") == "ship-mark"]) == 1
    assert "target 0.920" in [text for _, _, text in chart.having(**{"class": "label-target"})]
    assert "baseline 0.700" in [text for _, _, text in chart.having(**{"class": "label-baseline"})]
    assert len([a for t, a, _ in chart.found if a.get("class") == "best-path"]) == 1
    assert "recall in the top 40% (higher is better)" in section(html, "chart")


def test_the_page_fetches_nothing_and_runs_nothing(html):
    assert not re.search(r"""\b(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "url(" not in html and "@import" not in html
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<iframe" not in html.lower()
    assert "http://" not in html and "https://" not in html
    assert "@media print" in html and "break-inside: avoid" in html


def test_the_history_shows_each_version_its_changes_and_who_agreed(record, html):
    history = section(html, "objective")
    for version in record["history"]:
        assert short_hash(version["content_hash"]) in history
        assert len(short_hash(version["content_hash"])) == 12
    assert "Why: the board asked for more" in history
    assert "target 0.900 → 0.920" in history
    assert "by ana as Head of Radiology" in history
    assert "agreement-warning" not in history  # the agreement holds for the current content
    assert "shipped-unagreed" not in html


def test_an_agreement_to_an_earlier_content_is_a_visible_warning(tmp_path, as_ana):
    record = screening(tmp_path, agree_first=True, realized=False)
    page = report_html(record)
    warning = Elements(page).having(data_testid="agreement-warning")
    assert len(warning) == 1
    text = " ".join(warning[0][2].split())
    assert "ana agreed as Head of Radiology" in text and "to version 1" in text
    assert "target 0.900 → 0.920" in text and '%nbalign agree screening --as "Head of Radiology"' in text
    assert "**Warning: the agreement of Head of Radiology is to an earlier content.**" in report_markdown(record)
    assert Elements(page).having(data_testid="shipped-unagreed")  # and the version shipped was not agreed to


def test_hostile_names_are_text_not_markup(tmp_path, as_ana):
    record = screening(tmp_path, model_name=HOSTILE_MODEL, outcome=HOSTILE_OUTCOME)
    assert record["shipped"]["model"]["name"] == HOSTILE_MODEL
    assert record["standing"]["objective"]["outcome"] == HOSTILE_OUTCOME
    page = report_html(record)
    assert "<img" not in page and "<script" not in page.lower()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&#39;outcome&#39;)&lt;/script&gt;" in page
    # in the chart too: its name, its point's data and its hover text
    assert [m["data-name"] for t, m, _ in Elements(section(page, "chart")).found
            if m.get("class") == "nb-point"].count(HOSTILE_MODEL) == 1
    markdown = report_markdown(record)
    assert "<img" not in markdown and "<script" not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown


def test_markdown_text_escapes_markup_and_keeps_table_cells_whole():
    assert markdown_text("a|b *c* [d](e) <f> & `g`") == r"a\|b \*c\* \[d\](e) &lt;f&gt; &amp; \`g\`"
    assert markdown_text("two\nlines") == "two lines"


def test_the_markdown_has_the_same_sections_in_gfm(record):
    markdown = report_markdown(record)
    headings = re.findall(r"^### (.+)$", markdown, re.MULTILINE)
    assert headings == ["Outcome and KPI", "Recommendation", "Progress to the target", "Models", "Checks that fired",
                        "The objective and its history", "What was shipped", "The KPI after shipping"]
    assert record["standing"]["summary"]["story"] in markdown
    table = [line for line in markdown.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(table) == 4 and all(line.count(" | ") == 5 for line in table)  # a row a model, six cells each
    assert "|--:|---|---|--:|--:|---|" in markdown
    tree, logistic = record["points"][:2]
    assert f"Scores in order: tree {format_score(tree['score'])} · logistic {format_score(logistic['score'])}" \
        in markdown  # the chart, as a line
    assert "`model.skops` (skops)" in markdown
    assert "http://" not in markdown and "https://" not in markdown


def test_the_report_is_a_pure_function_of_the_record(record, html):
    kept = copy.deepcopy(record)
    exported = json.loads(json.dumps(record))  # what `nbalign report --json` writes and reads back
    assert report_html(exported) == html
    assert report_markdown(exported) == report_markdown(record)
    assert record == kept


def test_write_report_writes_the_page_and_the_markdown_beside_it(record, tmp_path):
    html, markdown = write_report(record, tmp_path / "out" / "screening.html")
    assert html == tmp_path / "out" / "screening.html" and markdown == tmp_path / "out" / "screening.md"
    assert html.read_text(encoding="utf-8") == report_html(record)
    assert markdown.read_text(encoding="utf-8") == report_markdown(record)


# ------------------------------------------------------------------------------ records with less in them


def test_a_record_with_nothing_shipped_yet(tmp_path, as_ana):
    record = screening(tmp_path, ship=False)
    page, markdown = report_html(record), report_markdown(record)
    assert "Nothing has been shipped yet: the model to ship is logistic." in section(page, "shipped")
    assert "Nothing to measure yet: no model has been shipped." in section(page, "realized")
    names = Elements(section(page, "chart")).having(data_testid="chart-name")
    assert [text for _, _, text in names] == ["best, to ship: logistic"]
    assert "_Nothing has been shipped yet: the model to ship is logistic._" in markdown


def test_a_record_without_a_kpi_and_a_model_shipped_against_the_advice(tmp_path, as_ana):
    record = plain_auc(tmp_path)
    page, markdown = report_html(record), report_markdown(record)
    assert "No KPI is stated: the models are judged on the metric alone." in page
    assert "No business outcome is stated" in page
    shipped = section(page, "shipped")
    assert "Not the judge's recommendation</strong> (it recommended logistic)" in shipped
    assert "the radiologists can read a tree of depth 3" in shipped
    assert "Its interval lies short of the target 0.990." in shipped
    names = [text for _, _, text in Elements(section(page, "chart")).having(data_testid="chart-name")]
    assert names == ["shipped: tree", "best: logistic"]
    assert "**Not the judge's recommendation** (it recommended logistic)" in markdown


def test_a_record_without_a_target(tmp_path, as_ana):
    record = plain_auc(tmp_path, target=False)
    assert record["standing"]["summary"]["target"] is None
    page = report_html(record)
    assert '<section id="progress">' in page  # the claim over the baseline stands without a target
    assert "the way from the baseline" not in page  # but there is no way to a target
    assert 'data-testid="chart-target"' not in page and 'data-testid="chart-baseline"' in page
    assert "<tr><th>Target</th>" not in section(page, "shipped")  # nothing to hold the shipped model to
    assert "<tr><th>Target</th><td>not set</td></tr>" in section(page, "objective")
    report_markdown(record)


def test_a_regression_where_lower_is_better(tmp_path, as_ana):
    record = diabetes(tmp_path)
    page, markdown = report_html(record), report_markdown(record)
    assert "RMSE (lower is better)" in section(page, "chart")
    marks = [a for t, a, _ in Elements(section(page, "chart")).found if a.get("class") == "nb-point"]
    assert [m["data-kind"] for m in marks] == ["baseline", "baseline", "model", "model"]  # baselines hollow
    assert "Keep <strong>linear baseline</strong>" in section(page, "recommendation")
    assert "worse than baseline" in section(page, "models")
    assert "linear baseline" in markdown and "RMSE" in markdown


def test_a_record_with_an_empty_history(tmp_path, as_ana):
    record = without_history(tmp_path)
    assert record["history"] == [] and record["shipped"] is None
    page, markdown = report_html(record), report_markdown(record)
    assert "This record holds no version history." in page
    assert "No check fired." in page
    assert "_This record holds no version history._" in markdown


def test_explanations_show_code_and_emphasis_as_such_not_their_marks():
    from nbalign.reporting import markdown_pieces, pieces

    assert pieces("*best* scores 0.9") == [("*best* scores 0.9", "text")]  # a message names models as written
    said = pieces("*better fit, recipe not shown better* says the fit gains; see `stop: min_gain:` and 2 * 3 * 4",
                  emphasis=True)
    assert said == [("better fit, recipe not shown better", "em"), (" says the fit gains; see ", "text"),
                    ("stop: min_gain:", "code"), (" and 2 * 3 * 4", "text")]
    assert str(markdown_pieces(said)).startswith("*better fit, recipe not shown better* says")

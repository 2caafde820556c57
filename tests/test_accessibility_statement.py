"""The accessibility statement: public, linked from every page, following the Dutch model
(status, known failures, how to report and the answer term, date and method of the evaluation),
and true to docs/accessibility.md, which rates every WCAG 2.2 A and AA success criterion."""

import re
from pathlib import Path

from app.accessibility import EVALUATED_ON, KNOWN_FAILURES

from .conftest import login, make_app

DOCS = Path(__file__).resolve().parent.parent / "docs" / "accessibility.md"
# WCAG 2.2, levels A and AA (4.1.1 Parsing is obsolete and listed as such).
CRITERIA = """1.1.1 1.2.1 1.2.2 1.2.3 1.2.4 1.2.5 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.4.1 1.4.2 1.4.3
1.4.4 1.4.5 1.4.10 1.4.11 1.4.12 1.4.13 2.1.1 2.1.2 2.1.4 2.2.1 2.2.2 2.3.1 2.4.1 2.4.2 2.4.3
2.4.4 2.4.5 2.4.6 2.4.7 2.4.11 2.5.1 2.5.2 2.5.3 2.5.4 2.5.7 2.5.8 3.1.1 3.1.2 3.2.1 3.2.2 3.2.3
3.2.4 3.2.6 3.3.1 3.3.2 3.3.3 3.3.4 3.3.7 3.3.8 4.1.1 4.1.2 4.1.3""".split()
RESULTS = {"pass", "fail", "not applicable", "not verified", "obsolete"}


def evaluation():
    """{criterion: (level, result, how)} from the docs' results table."""
    rows = re.findall(r"^\| (\d\.\d+\.\d+) [^|]+\| (A|AA|–) \| ([^|]+) \| ([^|]+) \|$",
                      DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    found = {}
    for number, level, result, how in rows:
        assert number not in found, f"{number} is rated twice"
        found[number] = (level, result.strip(), how.strip())
    return found


def test_every_wcag_22_criterion_is_rated_once_with_how_it_was_checked():
    rated = evaluation()
    assert sorted(rated) == sorted(CRITERIA)
    assert {result for _level, result, _how in rated.values()} <= RESULTS
    assert all(len(how) > 10 for _level, _result, how in rated.values())
    assert rated["4.1.1"][1] == "obsolete"
    for number in ("2.4.11", "2.5.7", "2.5.8", "3.2.6", "3.3.7", "3.3.8"):
        assert rated[number][1] in RESULTS - {"obsolete"}


def test_the_statements_failures_are_the_evaluations():
    fails = {number for number, (_l, result, _h) in evaluation().items() if result == "fail"}
    assert fails == set(KNOWN_FAILURES)
    assert f"{EVALUATED_ON:%-d %B %Y}" in DOCS.read_text(encoding="utf-8")


def test_statement_is_public_and_follows_the_model(client, world):
    page = client.get("/toegankelijkheid")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Toegankelijkheidsverklaring</h1>" in html and 'lang="nl"' in html
    assert "Verbeterbord voldoet gedeeltelijk aan WCAG 2.2 AA." in html
    for number in KNOWN_FAILURES:
        assert f"Succescriterium {number}" in html
    assert 'href="mailto:toegankelijkheid@abg.example"' in html
    assert "binnen 5 werkdagen een ontvangstbevestiging" in html
    assert f'<time datetime="{EVALUATED_ON.isoformat()}">' in html and "axe-core" in html
    assert "Werkorganisatie Test" in html  # the organisation speaks
    assert "op <span class=\"wrap\">https://verbeterbord.test/</span>" in html  # PUBLIC_URL


def test_contact_and_answer_term_are_configurable(db_url, world):
    app = make_app(db_url, ACCESSIBILITY_CONTACT="digitoegankelijk@gemeente.example",
                   ACCESSIBILITY_RESPONSE_DAYS=3)
    html = app.test_client().get("/toegankelijkheid").get_data(as_text=True)
    assert 'href="mailto:digitoegankelijk@gemeente.example"' in html
    assert "binnen 3 werkdagen" in html


def test_every_page_links_the_statement_in_its_footer(client, world):
    footer = '<footer class="site-footer"><a href="/toegankelijkheid">Toegankelijkheid</a></footer>'
    assert footer in client.get("/login").get_data(as_text=True)
    login(client, "anna@test.example")
    for path in ("/me", "/teams/wonen", "/cycles", "/toegankelijkheid", "/teams/bestaat-niet"):
        assert footer in client.get(path).get_data(as_text=True), path

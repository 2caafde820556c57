"""The XmR chart macro draws its lines where the limits are, marks signals, and has its table."""

import re
from decimal import Decimal

import pytest
from flask_babel import force_locale

from app.xmr_chart import xmr_chart, xmr_sparkline
from app.xmr_words import number, summary_sentence
from boards.xmr import xmr_analysis

from .conftest import make_app

# 20 values alternating 12 and 10: centre 11, moving range 2, limits 5.68 and 16.32, upper range
# limit 6.536 (see tests/test_xmr.py). Then 17: above the upper limit, and its moving range
# 17 - 10 = 7 is above 6.536.
BASELINE = [12, 10] * 10


def numbered(values):
    return list(enumerate(values, start=1))


@pytest.fixture
def render(tmp_path):
    """render(macro name, *args, lang=...) -> the macro's HTML in that language."""
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")  # nothing here reads the database
    module = app.jinja_env.get_template("goals/_xmr_chart.html").module

    def render_macro(name, build, lang="nl"):
        with app.test_request_context(), force_locale(lang):
            return str(getattr(module, name)(*build()))

    yield render_macro
    app.extensions["verbeterbord.db"].dispose()


def test_limits_signals_and_table(render):
    analysis = xmr_analysis(numbered(BASELINE + [17]))
    html = render("xmr_chart", lambda: (xmr_chart(analysis, "Doorlooptijd"), "ind-1"))
    # The values chart spans 5.68 .. 17 with 10% room: 4.548 .. 18.132 over y 12 .. 172, so
    # y(v) = 12 + (18.132 - v) / 13.584 * 160: upper 33.3, centre 96.0, lower 158.7, 17 at 25.3.
    # 21 slots between x 6 and 298: the lines run 6.0 .. 298.0, the 21st value sits at 291.0.
    assert '<line class="xmr-upper" x1="6.0" x2="298.0" y1="33.3" y2="33.3"' in html
    assert '<line class="xmr-centre" x1="6.0" x2="298.0" y1="96.0" y2="96.0"' in html
    assert '<line class="xmr-lower" x1="6.0" x2="298.0" y1="158.7" y2="158.7"' in html
    # The moving ranges span 0 .. 7 with room: -0.7 .. 7.7 over y 206 .. 262, so the upper range
    # limit 6.536 is at 213.8, the average 2 at 244.0 and the range 7 at 210.7.
    assert '<line class="xmr-upper-range" x1="6.0" x2="298.0" y1="213.8" y2="213.8"' in html
    assert '<line class="xmr-range-centre" x1="6.0" x2="298.0" y1="244.0" y2="244.0"' in html
    # Two signals, drawn as diamonds: the value 17 and its moving range 7.
    signals = re.findall(r'<path class="xmr-signal" d="([^"]+)"[^>]*><title>([^<]+)</title>', html)
    assert signals == [("M291.0 19.3l6 6l-6 6l-6 -6z", "21: 17 (boven de bovengrens)"),
                       ("M291.0 205.7l5 5l-5 5l-5 -5z",
                        "21: 7 (een sprong groter dan de grens van het bewegend bereik)")]
    assert html.count('class="xmr-point"') == 20 + 19  # the others: values, moving ranges
    # The table: whole numbers, so the limits carry one decimal (Wheeler), in Dutch.
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html)
    assert len(rows) == 21
    assert rows[0] == "1</th><td>12</td><td></td><td>11</td><td>5,7</td><td>16,3</td><td></td>"
    assert rows[20] == ("21</th><td>17</td><td>7</td><td>11</td><td>5,7</td><td>16,3</td>"
                        "<td>boven de bovengrens; een sprong groter dan de grens van het "
                        "bewegend bereik</td>")
    assert 'aria-labelledby="ind-1-title ind-1-desc"' in html
    assert '<title id="ind-1-title">Doorlooptijd</title>' in html
    assert "Laatste waarde 17 · boven de bovengrens · signaal" in html
    assert 'viewBox="0 0 360 288" width="100%"' in html
    assert "voorlopig" not in html  # a full baseline of 20 values


def test_new_baseline_target_and_actions(render):
    analysis = xmr_analysis(numbered(BASELINE + [24, 20] * 3), baseline_starts=[21])

    def build():
        return (xmr_chart(analysis, "Lead time", target=15, actions=[(21, "New intake form")],
                          label=lambda period: f"w{period}"), "lead")

    html = render("xmr_chart", build, lang="en")
    # Two baselines: two centre lines, and the step between them at the edge of slot 21.
    assert html.count('class="xmr-centre"') == 2
    slot = (360 - 6 - 62) / 26
    step = round(6 + slot * 20, 1)
    assert (f'<line class="xmr-step" x1="{step}" x2="{step}"' in html
            and "<title>New baseline from w21</title>" in html)
    assert re.search(rf'<line class="xmr-upper" x1="{step}" x2="298.0"', html)
    assert '<line class="xmr-target" x1="6" x2="298"' in html and ">target 15</text>" in html
    assert "<title>Action done: New intake form</title>" in html
    assert '<th scope="col">Actions done</th>' in html
    assert re.search(r'<th scope="row">w21</th><td>24</td><td></td><td>22</td>.*'
                     r"<td>New intake form</td></tr>", html)
    assert "Latest value 20 · within the limits · no signal" in html
    assert "The limits are provisional" in html  # the new baseline holds 6 values


def test_sparkline_shows_the_last_twelve(render):
    values = BASELINE + [12, 10, 17]  # 23 values; the last is a signal
    analysis = xmr_analysis(numbered(values))
    html = render("xmr_sparkline", lambda: (xmr_sparkline(analysis), "Doorlooptijd"))
    points = re.search(r'<polyline points="([^"]+)"', html).group(1).split()
    assert len(points) == 12 and points[-1].startswith("115.0,")
    assert html.count('class="xmr-signal"') == 1
    assert 'aria-label="Doorlooptijd: Laatste waarde 17 · boven de bovengrens · signaal"' in html
    assert '<strong class="xmr-latest">17</strong>' in html


def test_no_values_yet(render):
    analysis = xmr_analysis([])
    html = render("xmr_chart", lambda: (xmr_chart(analysis, "Doorlooptijd"), "empty"))
    assert "Nog geen waarden" in html and "<table" not in html and "<polyline" not in html


@pytest.mark.parametrize("lang, expected", [
    ("nl", "Laatste waarde 7,9 · binnen de grenzen · geen signaal"),
    ("en", "Latest value 7.9 · within the limits · no signal"),
])
def test_summary_sentence(render, lang, expected):
    # 7.9 lies inside 5.68 .. 16.32 and alone beyond the lower halfway line 8.34: no signal.
    analysis = xmr_analysis(numbered(BASELINE + [7.9]))
    assert render("xmr_sparkline", lambda: (xmr_sparkline(analysis), "x"), lang=lang) \
        .count(expected) == 1


def test_summary_names_the_rule(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")
    analysis = xmr_analysis(numbered(BASELINE + [11.5] * 8))
    with app.test_request_context(), force_locale("nl"):
        assert summary_sentence(analysis.summary()) == \
            "Laatste waarde 11,5 · binnen de grenzen · signaal: acht of meer op rij boven het " \
            "gemiddelde"
    app.extensions["verbeterbord.db"].dispose()


def test_numbers_round_half_up_in_the_reader_language(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")
    with app.test_request_context():
        with force_locale("nl"):
            assert (number(Decimal("16.325"), 2), number(2820.6316, 1)) == ("16,33", "2.820,6")
        with force_locale("en"):
            assert number(Decimal("16.325"), 2) == "16.33"
    app.extensions["verbeterbord.db"].dispose()

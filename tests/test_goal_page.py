"""The goal page: each indicator's chart with its table, done actions on the timeline, and the
forms that enter values, paste them, start a baseline, add and retire indicators."""

import json
import re

from sqlmodel import select

from boards import actions, indicators
from boards.models import Event, IndicatorValue
from boards.unit_of_work import unit_of_work

from .conftest import login
from .factories import add_indicator

HX = {"HX-Request": "true"}
TWELVE = "\n".join(f"2025-{m:02d};{v}" for m, v in enumerate(
    (8, 9, 8, 10, 9, 8, 9, 10, 8, 9, 9, 30), start=1))


def _stored(db, indicator_id):
    with db.reader() as s:
        rows = s.exec(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
                      .order_by(IndicatorValue.ordinal)).all()
        return {row.period: float(row.value) for row in rows}


def test_the_page_shows_the_chart_and_its_table(client, db, world):
    """Trail to the ambition, an SVG chart named by its title and summary, the values table
    with every period, and the signal in words (in Dutch)."""
    indicator_id = add_indicator(db, world, text=TWELVE)
    login(client, "carla@test.example")
    page = client.get(f"/goals/{world.short_goal}").get_data(as_text=True)
    assert "Dienstverlening dichtbij" in page and "Klanttevredenheid een 8" in page
    assert f'id="indicator-{indicator_id}"' in page
    assert f'aria-labelledby="chart-{indicator_id}-title chart-{indicator_id}-desc"' in page
    table = page[page.index('<table class="trend xmr-table">'):page.index("</table>")]
    assert re.findall(r'<th scope="row">([^<]+)</th>', table) == \
        [f"2025-{m:02d}" for m in range(1, 13)]
    assert "boven de bovengrens" in table  # 30 after eleven values of 8 to 10
    assert "Laatste waarde 30" in page
    # Carla's team (Zorg) works on the goal's ambition: she enters its values.
    assert f'action="/indicators/{indicator_id}/value"' in page
    assert "/goals/%s/indicators" % world.short_goal not in page  # only admins add here


def test_an_outsider_reads_but_gets_no_forms(client, db, world):
    """Someone in no team working on the ambition reads the chart without the forms."""
    from boards import people

    from .factories import PASSWORD
    indicator_id = add_indicator(db, world)
    with unit_of_work(db) as s:
        people.create_person(s, name="Dirk Dijk", email="dirk@test.example", password=PASSWORD)
        s.commit()
    login(client, "dirk@test.example")
    page = client.get(f"/goals/{world.short_goal}").get_data(as_text=True)
    assert f'id="chart-{indicator_id}"' in page
    assert f'/indicators/{indicator_id}/value"' not in page
    assert f'/indicators/{indicator_id}/retire"' not in page


def test_the_latest_period_is_preselected(client, db, world):
    """The value form's period is the period running now."""
    indicator_id = add_indicator(db, world)
    login(client, "anna@test.example")
    with db.reader() as s:
        from boards.indicator_reads import indicator_view
        current = indicator_view(s, indicator_id).current.key
    page = client.get(f"/goals/{world.short_goal}").get_data(as_text=True)
    assert f'id="value-period-{indicator_id}" name="period" value="{current}"' in page


def test_entering_a_value_returns_the_redrawn_indicator(client, db, world):
    """htmx gets the indicator's section with the new value in its table; the write is
    logged."""
    indicator_id = add_indicator(db, world)
    login(client, "anna@test.example")
    response = client.post(f"/indicators/{indicator_id}/value",
                           data={"period": "2025-03", "value": "8,4"}, headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<section") and f'id="indicator-{indicator_id}"' in body
    assert '<th scope="row">2025-03</th><td>8,4</td>' in body
    assert _stored(db, indicator_id) == {"2025-01": 7.9, "2025-02": 8.0, "2025-03": 8.4}
    with db.reader() as s:
        assert s.exec(select(Event).where(Event.kind == "indicator_value_entered")).first()


def test_bad_input_is_named_at_its_field_and_nothing_is_stored(client, db, world):
    """A bad value, a bad period and a bad pasted line: 422 naming the field, no swap, no
    value stored."""
    indicator_id = add_indicator(db, world)
    login(client, "anna@test.example")
    for path, data, field in (("value", {"period": "2025-03", "value": "veel"}, "value"),
                              ("value", {"period": "maart", "value": "8"}, "period"),
                              ("paste", {"text": "2025-03;8\n2025-04;x"}, "text"),
                              ("baseline", {"from": "9999-01"}, "from")):
        response = client.post(f"/indicators/{indicator_id}/{path}", data=data, headers=HX)
        assert response.status_code == 422, data
        trigger = json.loads(response.headers["HX-Trigger"])["vb:error"]
        assert trigger["field"] == field and trigger["message"], data
        assert response.headers["HX-Reswap"] == "none"
    assert _stored(db, indicator_id) == {"2025-01": 7.9, "2025-02": 8.0}


def test_pasting_and_a_new_baseline(client, db, world):
    """Pasted columns are stored; a new baseline shows as a step in the limits."""
    indicator_id = add_indicator(db, world)
    login(client, "anna@test.example")
    pasted = client.post(f"/indicators/{indicator_id}/paste",
                         data={"text": "Periode\tWaarde\n2025-03\t9\n2025-04\t12\n2025-05\t13"},
                         headers=HX)
    assert pasted.status_code == 200
    assert _stored(db, indicator_id)["2025-05"] == 13
    body = client.post(f"/indicators/{indicator_id}/baseline", data={"from": "2025-04"},
                       headers=HX).get_data(as_text=True)
    assert 'class="xmr-step"' in body and "Nieuwe basislijn vanaf 2025-04" in body
    assert "basislijn vanaf 2025-04" in body


def test_done_actions_are_marked_on_the_timeline(client, db, world):
    """An action done towards the goal is a marker on its chart and a row note in its table."""
    indicator_id = add_indicator(db, world, text=TWELVE)
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, world.wonen, title="Belscript herschreven",
                                     goal_id=world.short_goal)
        s.commit()
        actions.move_action(s, world.anna, card.action.id, status="done",
                            version=card.action.version)
        s.commit()
    login(client, "anna@test.example")
    page = client.get(f"/goals/{world.short_goal}").get_data(as_text=True)
    assert "Belscript herschreven" in page
    # Done today: after the last value (2025-12), so listed but not on this chart's timeline.
    assert 'class="xmr-action"' not in page
    with unit_of_work(db) as s:
        indicators.set_value(s, world.anna, indicator_id,
                             _current_month(s), "9")
        s.commit()
    page = client.get(f"/goals/{world.short_goal}").get_data(as_text=True)
    assert 'class="xmr-action"' in page and "Actie afgerond: Belscript herschreven" in page


def _current_month(session):
    from boards.periods import current_period
    return current_period(session, "month").key


def test_admin_adds_and_retires_an_indicator(client, db, world):
    """The add form returns the indicators with the new one; retiring keeps its chart and
    drops its forms; a bad name is named at its field."""
    login(client, "admin@test.example")
    bad = client.post(f"/goals/{world.short_goal}/indicators",
                      data={"name": "", "direction": "up", "period": "week"}, headers=HX)
    assert bad.status_code == 422
    assert json.loads(bad.headers["HX-Trigger"])["vb:error"]["field"] == "name"
    made = client.post(f"/goals/{world.short_goal}/indicators",
                       data={"name": "Tevredenheid", "unit": "cijfer", "direction": "up",
                             "period": "month", "target": "8"}, headers=HX)
    assert made.status_code == 201
    body = made.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="indicators">') and "Tevredenheid" in body
    indicator_id = int(re.search(r'id="indicator-(\d+)"', body)[1])
    unconfirmed = client.post(f"/indicators/{indicator_id}/retire", data={"version": "1"},
                              headers=HX)
    assert unconfirmed.status_code == 422
    assert json.loads(unconfirmed.headers["HX-Trigger"])["vb:error"]["field"] == "confirm"
    retired = client.post(f"/indicators/{indicator_id}/retire",
                          data={"version": "1", "confirm": "yes"}, headers=HX)
    retired = retired.get_data(as_text=True)
    assert 'class="goal-status goal-retired">Vervallen<' in retired
    assert f'/indicators/{indicator_id}/value"' not in retired


def test_the_page_needs_a_login_and_a_goal(client, world):
    """Not logged in: to the login page; an unknown goal: 404."""
    assert client.get(f"/goals/{world.short_goal}").status_code == 302
    login(client, "anna@test.example")
    assert client.get("/goals/999999").status_code == 404


def test_goals_panel_and_overview_show_sparklines(client, db, world):
    """The goals panel (as re-read) and the overview show each indicator's sparkline with its
    latest value and the signal in words; both link to the goal page."""
    indicator_id = add_indicator(db, world, text=TWELVE)
    add_indicator(db, world, name="Doorlooptijd")  # two values: no limits, no signal
    login(client, "anna@test.example")
    for path in ("/teams/wonen/goals", "/overview"):
        page = client.get(path).get_data(as_text=True)
        spark = page[page.index(f'data-indicator="{indicator_id}"'):]
        spark = spark[:spark.index("</li>")]
        assert f'href="/goals/{world.short_goal}#indicator-{indicator_id}"' in spark, path
        assert '<strong class="xmr-latest">30</strong>' in spark, path
        assert 'class="signal-flag">signaal<' in spark and 'class="xmr-signal"' in spark, path
        assert page.count('class="indicator-spark has-signal"') == 1, path
        assert "Doorlooptijd" in page
    board = client.get("/teams/wonen").get_data(as_text=True)
    assert f'href="/goals/{world.short_goal}"' in board  # the goal page, from the panel
    assert "indicator-spark" not in board  # read with the panel when it is opened


def test_members_enter_a_value_on_the_goals_panel(client, db, world):
    """The panel's form pre-selects the period running now; its answer is the panel again with
    the new latest value; someone of another team gets no form there."""
    indicator_id = add_indicator(db, world)
    with db.reader() as s:
        current = _current_month(s)
    login(client, "anna@test.example")
    panel = client.get("/teams/wonen/goals").get_data(as_text=True)
    assert f'id="spark-period-{indicator_id}" name="period" value="{current}"' in panel
    answer = client.post(f"/indicators/{indicator_id}/value",
                         data={"period": current, "value": "6,5", "panel": "wonen"},
                         headers=HX)
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert body.lstrip().startswith('<details class="goals" id="goals-panel"')
    assert '<strong class="xmr-latest">6,5</strong>' in body
    assert _stored(db, indicator_id)[current] == 6.5
    client.post("/logout")
    login(client, "carla@test.example")
    assert f'id="spark-period-{indicator_id}"' not in \
        client.get("/teams/wonen/goals").get_data(as_text=True)


def test_the_panels_sparklines_are_read_into_their_places(client, db, world):
    """The board page leaves them out and asks for them when its panel opens; the answer swaps
    each goal's sparklines into its own place."""
    indicator_id = add_indicator(db, world, text=TWELVE)
    login(client, "anna@test.example")
    board = client.get("/teams/wonen").get_data(as_text=True)
    assert 'hx-get="/teams/wonen/goals/sparks" hx-trigger="toggle once from:#goals-panel"' in board
    assert f'<div id="sparks-goal-{world.short_goal}" class="spark-slot"></div>' in board
    sparks = client.get("/teams/wonen/goals/sparks").get_data(as_text=True)
    slot = sparks[sparks.index(f'<div id="sparks-goal-{world.short_goal}"'):]
    assert slot.startswith(f'<div id="sparks-goal-{world.short_goal}" class="spark-slot" '
                           'hx-swap-oob="true">')
    assert f'data-indicator="{indicator_id}"' in slot[:slot.index("</div>")]

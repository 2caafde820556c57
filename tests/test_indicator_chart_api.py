"""GET /api/v1/indicators/<id> carries each baseline's XmR limits and the signals, in words,
on SQLite and PostgreSQL."""

from types import SimpleNamespace

import pytest

from boards import goals
from boards.indicator_reads import baseline_starts
from boards.unit_of_work import unit_of_work

# Ten months: 10 and 11 in turn, then a jump to 29.
#   centre = (5 × 10 + 4 × 11 + 29) / 10 = 12.3
#   moving ranges: eight of 1 and one of 19 → average (8 + 19) / 9 = 3
#   limits = 12.3 ± 2.66 × 3 = 12.3 ± 7.98 → 4.32 and 20.28; upper range limit 3.268 × 3 = 9.804
# 29 lies above 20.28 (rule 1); the nine values before it all lie below 12.3 (rule 2, a run of
# eight or more); the halfway lines 12.3 ± 3.99 (8.31, 16.29) hold no three of four (no rule 3).
# A new baseline from 2025-11 with 30 and 32:
#   centre 31, one moving range of 2 → limits 31 ± 5.32 → 25.68 and 36.32; upper range 6.536
JUMP = "\n".join([f"2025-{m:02d};{10 + (m + 1) % 2}" for m in range(1, 10)] + ["2025-10;29"])


@pytest.fixture
def team_goal(db, world):
    """A short-term goal of team Wonen (set by Anna)."""
    with unit_of_work(db) as s:
        return goals.create_team_goal(s, world.anna, world.wonen, title="Sneller terugbellen",
                                      horizon="short", parent_id=world.long_goal).goal.id


def _indicator(api, goal_id, text):
    made = api.post(f"/goals/{goal_id}/indicators", {
        "name": "Wachttijd", "unit": "dagen", "direction": "down", "period": "month"})
    assert made.status_code == 201, made.get_json()
    indicator_id = made.get_json()["indicator"]["id"]
    assert api.post(f"/indicators/{indicator_id}/values", {"text": text}).status_code == 200
    return indicator_id


def test_limits_and_signals_computed_by_hand(api_as, team_goal):
    """One baseline: its limits as computed above; rule 2 for the nine low months, rule 1 for
    the jump, each named in Dutch."""
    anna = api_as("anna@test.example")
    indicator_id = _indicator(anna, team_goal, JUMP)
    body = anna.get(f"/indicators/{indicator_id}").get_json()["indicator"]
    assert body["limits"] == [{"from": "2025-01", "centre": 12.3, "lower": 4.32,
                               "upper": 20.28, "range_upper": 9.804}]
    assert [(s["period"], s["rule"]) for s in body["signals"]] == \
        [(f"2025-{m:02d}", 2) for m in range(1, 10)] + [("2025-10", 1)]
    assert body["signals"][0]["text"] == "acht of meer op rij onder het gemiddelde"
    assert body["signals"][-1]["text"] == "boven de bovengrens"


def test_a_new_baseline_is_a_step_in_the_limits(api_as, team_goal):
    """After a new baseline from 2025-11 the limits have a second step; the new values signal
    nothing against it."""
    anna = api_as("anna@test.example")
    indicator_id = _indicator(anna, team_goal, JUMP + "\n2025-11;30\n2025-12;32")
    assert anna.post(f"/indicators/{indicator_id}/baseline", {"from": "2025-11"}).status_code \
        == 201
    body = anna.get(f"/indicators/{indicator_id}").get_json()["indicator"]
    assert body["limits"] == [
        {"from": "2025-01", "centre": 12.3, "lower": 4.32, "upper": 20.28, "range_upper": 9.804},
        {"from": "2025-11", "centre": 31, "lower": 25.68, "upper": 36.32, "range_upper": 6.536}]
    assert [s["period"] for s in body["signals"]][-1] == "2025-10"


def test_english_signal_texts(api_as, client, team_goal):
    """The texts follow the language the session chose, as the API's errors do."""
    anna = api_as("anna@test.example")
    indicator_id = _indicator(anna, team_goal, JUMP)
    client.post("/language", data={"lang": "en"})
    body = anna.get(f"/indicators/{indicator_id}").get_json()["indicator"]
    assert body["signals"][-1]["text"] == "above the upper limit"


def test_a_later_baseline_from_an_earlier_period_replaces_those_after_it():
    """Baselines started at 5, then 9, then 7: the one from 7 replaces the one from 9."""
    rows = [SimpleNamespace(from_ordinal=n) for n in (5, 9, 7)]
    assert baseline_starts(rows) == [5, 7]
    assert baseline_starts(rows[:2]) == [5, 9]
    assert baseline_starts([]) == []

"""Reviews that add up: per team, per ambition and per goal the counts reconcile with the total,
actions without a goal have their own row, and goals achieved in a cycle are counted."""

import csv
import io
from dataclasses import astuple

from boards import actions, catalog, goals, review
from boards.review import Counts
from boards.unit_of_work import unit_of_work

from .conftest import login

FIELDS = ("done", "carried", "split", "dropped", "open", "escalated", "goals_achieved")


def _sum(counts):
    result = Counts()
    for c in counts:
        for name in FIELDS:
            setattr(result, name, getattr(result, name) + getattr(c, name))
    return result


def _cycle_with_goals(db, world):
    """Cards under two goals, under none, on two teams; one goal achieved, one escalation."""
    with unit_of_work(db) as s:
        other = catalog.create_ambition(s, world.admin, title="Duurzaam")
        catalog.create_team(s, world.admin, name="Groen", ambition_ids=[other.id])
        own = goals.create_team_goal(s, world.anna, world.wonen, title="Wachttijd halveren",
                                     horizon="short", parent_id=world.long_goal).goal
        for title, goal_id, status in [("A", world.short_goal, "done"), ("B", own.id, "doing"),
                                       ("C", None, "todo"), ("D", None, "done")]:
            actions.create_action(s, world.anna, world.wonen, title=title, goal_id=goal_id,
                                  status=status)
        card = actions.create_action(s, world.carla, world.zorg, title="E").action
        actions.edit_action(s, world.carla, card.id, version=card.version,
                            fields={"needs_help": True, "help_reason": "Budget"})
        goals.edit_goal(s, world.anna, own.id, version=1, fields={"status": "achieved"})
    return own


def _assert_tables_add_up(data):
    """Every column of every table, goals achieved included, sums to the total."""
    teams = [c for _t, c, _r in data.teams] + [data.organisation_wide]
    assert astuple(_sum(teams)) == astuple(data.total)
    assert astuple(_sum([c for _a, c in data.ambitions] + [data.without_goal])) == \
        astuple(data.total)
    assert astuple(_sum([r.counts for r in data.goals] + [data.without_goal])) == \
        astuple(data.total)


def _achieve_long_goal(db, world):
    """An admin marks the long-term goal (it has no team) achieved in this cycle."""
    with unit_of_work(db) as s:
        goals.edit_goal(s, world.admin, world.long_goal, version=1, fields={"status": "achieved"})


def test_every_table_adds_up_to_the_total(db, world):
    """Teams, ambitions + 'without goal', goals + 'without goal': each sums to the total."""
    own = _cycle_with_goals(db, world)
    with db.reader() as s:
        data = review.cycle_review(s, world.cycle)
    assert data.total.total == 5 and data.without_goal.total == 3
    without_goal = data.without_goal
    assert (without_goal.open, without_goal.done, without_goal.escalated) == (2, 1, 1)
    _assert_tables_add_up(data)
    assert [g.id for g in data.achieved_goals] == [own.id]
    assert data.total.goals_achieved == 1
    assert dict((t.slug, c.goals_achieved) for t, c, _r in data.teams)["wonen"] == 1
    rows = {r.goal.title: r for r in data.goals}
    assert rows["Wachttijd halveren"].goal.status == "achieved"
    assert rows["Wachttijd halveren"].counts.goals_achieved == 1
    assert dict(data.trend)[world.cycle].goals_achieved == 1


def test_api_page_and_csv_show_the_same_reconciled_figures(client, db, world):
    """The review JSON, page and CSV all carry the 'without goal' rows and goals achieved."""
    _cycle_with_goals(db, world)
    login(client, "anna@test.example")
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": "correct horse battery"}).get_json()
    body = client.get(f"/api/v1/cycles/{world.cycle}",
                      headers={"Authorization": f"Bearer {token['token']}"}).get_json()
    assert body["without_goal"]["total"] == 3 and body["total"]["goals_achieved"] == 1
    assert sum(a["total"] for a in body["ambitions"]) + body["without_goal"]["total"] == \
        body["total"]["total"]
    assert sum(g["total"] for g in body["goals"]) + body["without_goal"]["total"] == \
        body["total"]["total"]
    assert [g["title"] for g in body["achieved_goals"]] == ["Wachttijd halveren"]
    html = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    assert 'id="ambition-without-goal"' in html and 'id="goal-without-goal"' in html
    assert "Zonder doel" in html and "Wachttijd halveren" in html
    assert "★ 1<title>Doelen behaald: 1</title>" in html  # the trend chart marks it too
    text = client.get(f"/cycles/{world.cycle}/review.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, rows = rows[0], rows[1:]
    total = header.index("Totaal")
    by_part = {}
    for row in rows:
        by_part.setdefault(row[0], []).append(row)
    for part, totals_row in (("Team", "Alle teams"), ("Ambitie", "Alle ambities"),
                             ("Doel", "Alle doelen")):
        named = {r[1]: int(r[total]) for r in by_part[part]}
        assert sum(v for k, v in named.items() if k != totals_row) == named[totals_row] == 5, part
    assert {r[1] for r in by_part["Doel"]} >= {"Zonder doel", "Wachttijd halveren"}


def test_a_long_term_goal_achieved_has_its_own_row_per_team(client, db, world):
    """A long-term goal belongs to no team: an organisation-wide row makes the teams add up."""
    own = _cycle_with_goals(db, world)
    _achieve_long_goal(db, world)
    with db.reader() as s:
        data = review.cycle_review(s, world.cycle)
    assert data.total.goals_achieved == 2 and data.organisation_wide.goals_achieved == 1
    assert data.organisation_wide.total == 0  # no actions: they all have a team
    assert sorted(g.id for g in data.achieved_goals) == sorted([own.id, world.long_goal])
    _assert_tables_add_up(data)
    login(client, "anna@test.example")
    html = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    row = html.split('id="team-organisation-wide"')[1].split("</tr>")[0]
    assert "Organisatiebreed (lange termijn)" in row and "<td>1</td>" in row
    text = client.get(f"/cycles/{world.cycle}/review.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    achieved = rows[0].index("Doelen behaald")
    per_team = {r[1]: int(r[achieved]) for r in rows[1:] if r[0] == "Team"}
    assert per_team["Organisatiebreed (lange termijn)"] == 1
    assert sum(v for k, v in per_team.items() if k != "Alle teams") == per_team["Alle teams"] == 2
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": "correct horse battery"}).get_json()
    body = client.get(f"/api/v1/cycles/{world.cycle}",
                      headers={"Authorization": f"Bearer {token['token']}"}).get_json()
    assert body["organisation_wide"]["goals_achieved"] == 1
    assert sum(t["goals_achieved"] for t in body["teams"]) + 1 == body["total"]["goals_achieved"]


def test_review_without_long_term_achievement_has_no_organisation_row(client, db, world):
    """No long-term goal achieved: no empty organisation-wide row."""
    _cycle_with_goals(db, world)
    login(client, "anna@test.example")
    html = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    assert 'id="team-organisation-wide"' not in html


def test_a_retired_goal_keeps_its_row_in_the_review(client, db, world):
    """A goal retired during the cycle leaves the pickers but shows in the review, as retired."""
    with unit_of_work(db) as s:
        gone = goals.create_team_goal(s, world.anna, world.wonen, title="Papieren post afschaffen",
                                      horizon="short", parent_id=world.long_goal).goal
        actions.create_action(s, world.anna, world.wonen, title="Scanner bestellen",
                              goal_id=gone.id, status="done")
        goals.edit_goal(s, world.anna, gone.id, version=1, fields={"status": "retired"})
    with db.reader() as s:
        data = review.cycle_review(s, world.cycle)
    rows = {r.goal.id: r for r in data.goals}
    assert rows[gone.id].goal.status == "retired" and rows[gone.id].counts.done == 1
    _assert_tables_add_up(data)
    login(client, "anna@test.example")
    html = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    row = html.split('id="per-goal"')[1].split("Papieren post afschaffen")[1].split("</tr>")[0]
    assert "<td>Vervallen</td>" in row
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": "correct horse battery"}).get_json()
    body = client.get(f"/api/v1/cycles/{world.cycle}",
                      headers={"Authorization": f"Bearer {token['token']}"}).get_json()
    [shown] = [g for g in body["goals"] if g["id"] == gone.id]
    assert shown["status"] == "retired" and shown["done"] == 1

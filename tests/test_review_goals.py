"""Reviews that add up: per team, per ambition and per goal the counts reconcile with the total,
actions without a goal have their own row, and goals achieved in a cycle are counted."""

import csv
import io
from dataclasses import astuple

from boards import actions, catalog, goals, review
from boards.review import Counts

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
    with db.writer() as s:
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


def test_every_table_adds_up_to_the_total(db, world):
    """Teams, ambitions + 'without goal', goals + 'without goal': each sums to the total."""
    own = _cycle_with_goals(db, world)
    with db.reader() as s:
        data = review.cycle_review(s, world.cycle)
    assert data.total.total == 5 and data.without_goal.total == 3
    assert (data.without_goal.open, data.without_goal.done, data.without_goal.escalated) == (2, 1, 1)
    actions_only = lambda c: astuple(c)[:6]  # noqa: E731  (goals achieved are not actions)
    assert actions_only(_sum(c for _t, c, _r in data.teams)) == actions_only(data.total)
    assert actions_only(_sum([c for _a, c in data.ambitions] + [data.without_goal])) == \
        actions_only(data.total)
    assert actions_only(_sum([r.counts for r in data.goals] + [data.without_goal])) == \
        actions_only(data.total)
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

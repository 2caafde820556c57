"""The Team van teams overview, /me and escalations: known answers, query counts, rights."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from boards import actions, catalog, escalation, people, queries
from boards.errors import Forbidden, Invalid
from boards.overview import overview_for
from boards.unit_of_work import unit_of_work

from .conftest import login
from .factories import PASSWORD


def add(db, actor, slug, title, **fields):
    with unit_of_work(db) as s:
        return actions.create_action(s, actor, slug, title=title, **fields).action


def ask_help(db, actor, action, reason="Akkoord MT nodig"):
    with unit_of_work(db) as s:
        return actions.edit_action(s, actor, action.id, version=action.version,
                                   fields={"needs_help": True, "help_reason": reason}).action


def test_overview_counts_known_answers(db, world):
    """Counts per team and status, per goal and ambition, needs help, overdue, without goal."""
    yesterday = date.today() - timedelta(days=1)
    add(db, world.anna, "wonen", "A", goal_id=world.short_goal, status="done")
    add(db, world.anna, "wonen", "B", goal_id=world.short_goal, status="doing")
    late = add(db, world.bert, "wonen", "C", status="todo", due_date=yesterday)
    add(db, world.carla, "zorg", "D", goal_id=world.short_goal, status="done", due_date=yesterday)
    ask_help(db, world.bert, late)
    with db.reader() as s:
        data = overview_for(s)
    teams = {t.team.slug: t for t in data.teams}
    assert teams["wonen"].counts == {"todo": 1, "doing": 1, "done": 1}
    wonen = teams["wonen"]
    assert (wonen.needs_help, wonen.overdue, wonen.without_goal) == (1, 1, 1)
    assert teams["zorg"].counts == {"todo": 0, "doing": 0, "done": 1} and teams["zorg"].overdue == 0
    (ambition,) = data.ambitions
    assert (ambition.tally.done, ambition.tally.total) == (2, 3)
    assert (ambition.goals[world.short_goal].done, ambition.goals[world.short_goal].total) == (2, 3)
    assert ambition.goals[world.long_goal].total == 3
    assert {tid: (t.done, t.total) for tid, t in ambition.teams.items()} == {
        world.wonen_id: (1, 2), world.zorg_id: (1, 1)}
    assert (ambition.history[world.cycle].done, ambition.history[world.cycle].total) == (2, 3)
    assert [c.action.title for c in data.escalations] == ["C"]
    assert data.escalations[0].action.help_since is not None


def test_overview_api_shape(db, world, client):
    """GET /api/v1/overview answers the documented shape."""
    add(db, world.anna, "wonen", "A", goal_id=world.short_goal)
    token = client.post("/api/v1/tokens", json={"email": "carla@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    body = client.get("/api/v1/overview", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert set(body) >= {"cycle", "ambitions", "teams", "escalations"}
    wonen = next(t for t in body["teams"] if t["slug"] == "wonen")
    assert wonen["counts"] == {"todo": 1, "doing": 0, "done": 0}
    assert set(wonen) >= {"needs_help", "overdue", "without_goal", "name"}


def test_my_actions_api_and_next_cycle(db, world, client):
    """/api/v1/me/actions: this cycle's actions with team, goal and ambition; next cycle apart."""
    add(db, world.anna, "wonen", "Nu", goal_id=world.short_goal)
    add(db, world.anna, "wonen", "Straks", cycle_number=world.cycle + 1)
    add(db, world.bert, "wonen", "Van Bert")
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    body = client.get("/api/v1/me/actions", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["cycle"]["number"] == world.cycle
    (mine,) = body["actions"]
    assert mine["title"] == "Nu" and mine["team"] == {"slug": "wonen", "name": "Wonen"}
    assert (
        mine["goal"]["id"] == world.short_goal
        and mine["ambition"]["title"] == "Dienstverlening dichtbij"
    )
    assert [a["title"] for a in body["next_cycle"]] == ["Straks"]


def test_escalation_thread_and_rights(db, world):
    """Team van teams members answer and resolve; outsiders cannot; all is logged."""
    with unit_of_work(db) as s:
        tvt = catalog.create_team(s, world.admin, name="Team van teams", kind="team_of_teams")
        delegate = people.create_person(s, name="Dirk Delegate", email="dirk@test.example",
                                        password=PASSWORD)
        catalog.add_member(s, world.admin, tvt.id, delegate.id)
    action = ask_help(db, world.anna, add(db, world.anna, "wonen", "Subsidie"))
    with pytest.raises(Forbidden), unit_of_work(db) as s:
        escalation.respond_to_help(s, world.carla, action.id, text="Ik bemoei me ermee")
    with pytest.raises(Invalid), unit_of_work(db) as s:
        escalation.respond_to_help(s, delegate.id, action.id, text="  ")
    with unit_of_work(db) as s:
        escalation.respond_to_help(s, delegate.id, action.id, text="Ik bel het MT")
    with unit_of_work(db) as s:
        escalation.respond_to_help(s, world.anna, action.id, text="Dank je")
    with unit_of_work(db) as s:
        change = escalation.resolve_help(s, delegate.id, action.id, version=action.version,
                                         note="Akkoord")
    assert change.action.needs_help is False and change.action.version == action.version + 1
    with db.reader() as s:
        thread = [(e, p) for e, p in queries.action_events(s, action.id)
                  if e.kind in escalation.THREAD_KINDS]
        assert overview_for(s).escalations == []
    assert [(e.kind, p.name) for e, p in thread] == [
        ("help_requested", "Anna Ëlsen"), ("help_note", "Dirk Delegate"),
        ("help_note", "Anna Ëlsen"), ("help_resolved", "Dirk Delegate")]
    with pytest.raises(Invalid), unit_of_work(db) as s:
        escalation.respond_to_help(s, delegate.id, action.id, text="Nog iets")


def _teams_with_cards(db, admin_id, count, start):
    with unit_of_work(db) as s:
        for n in range(start, start + count):
            team = catalog.create_team(s, admin_id, name=f"Team {n}")
            person = people.create_person(s, name=f"Mede Werker {n}", email=f"p{n}@test.example")
            catalog.add_member(s, admin_id, team.id, person.id)
            for status in ("todo", "doing", "done"):
                actions.create_action(s, admin_id, team.slug, title=f"Actie {n}", status=status,
                                      owner_id=person.id)


@pytest.mark.parametrize("path", ["/overview", "/me", "/api/v1/overview", "/api/v1/me/actions"])
def test_query_count_same_for_5_and_40_teams(app, client, db, world, path):
    """The overview and /me use as many SQL statements for 40 teams as for 5."""
    login(client, "admin@test.example")
    token = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    engine = app.extensions["verbeterbord.db"].read_engine

    def count():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    _teams_with_cards(db, world.admin, 3, 0)  # with wonen and zorg: 5 teams
    count()
    five = count()
    _teams_with_cards(db, world.admin, 35, 3)  # 40 teams
    assert count() == five

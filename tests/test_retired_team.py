"""A retired team's board is kept as it was: every write to it is refused, its page is read-only."""

import pytest
from sqlmodel import func, select

from boards import actions, escalation, goals, queries, teams
from boards.models import Action, Event, Goal
from boards.unit_of_work import unit_of_work

from .conftest import login
from .test_api import error_of

RETIRED = "Dit team is opgeheven; het bord kan niet meer veranderen."


@pytest.fixture
def board(db, world):
    """Wonen with a card that asks for help, a deleted card, a team goal; then retired."""
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, world.wonen, title="Wachttijden meten").action
        card = actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"needs_help": True, "help_reason": "Data nodig"}).action
        gone = actions.create_action(s, world.anna, world.wonen, title="Weg").action
        actions.delete_action(s, world.anna, gone.id, version=gone.version)
        goal = goals.create_team_goal(s, world.anna, world.wonen, title="Binnen een week",
                                      horizon="short", parent_id=world.long_goal).goal
        ids = {"card": card.id, "version": card.version, "gone": gone.id, "goal": goal.id,
               "goal_version": goal.version}
        teams.update_team(s, world.admin, world.wonen_id, retired=True)
    return ids


def _state(db):
    """Every card as it is, and the log's length: what a refused write must leave alone."""
    with db.reader() as s:
        cards = [(a.id, a.title, a.status, a.version, a.needs_help, a.position)
                 for a in s.exec(select(Action).order_by(Action.id)).all()]
        return (cards, s.exec(select(func.count()).select_from(Event)).one(),
                [(g.id, g.title, g.version) for g in s.exec(select(Goal).order_by(Goal.id)).all()])


def _ambition(db, world):
    with db.reader() as s:
        return s.get(Goal, world.long_goal).ambition_id


def test_every_api_write_to_a_retired_board_is_a_conflict(db, world, board, api_as):
    """Create, edit, move, delete, goals and closing the cycle: 409 with the reason, no change."""
    before = _state(db)
    for who in ("anna@test.example", "admin@test.example"):
        api = api_as(who)
        card, version = board["card"], board["version"]
        attempts = [
            api.post("/teams/wonen/actions", {"title": "Nog een"}),
            api.patch(f"/actions/{card}", {"version": version, "title": "Anders"}),
            api.post(f"/actions/{card}/move", {"status": "done", "version": version}),
            api.delete(f"/actions/{card}", {"version": version}),
            api.post("/teams/wonen/goals", {"title": "Nieuw doel", "horizon": "short",
                                            "parent_id": world.long_goal}),
            api.patch(f"/goals/{board['goal']}", {"version": board["goal_version"],
                                                  "status": "achieved"}),
            api.post(f"/teams/wonen/cycles/{world.cycle}/close", {"decisions": [
                {"action_id": card, "decision": "drop", "reason": "Team opgeheven"}]}),
        ]
        if who.startswith("admin"):  # long-term goals are not the members' to set
            attempts.append(api.post("/teams/wonen/goals", {
                "title": "Lang doel", "horizon": "long", "ambition_id": _ambition(db, world)}))
        for response in attempts:
            assert error_of(response, 409, "conflict")["message"] == RETIRED
    # Someone outside the team is still told that first.
    error_of(api_as("carla@test.example").post(f"/actions/{board['card']}/move", {
        "status": "done", "version": board["version"]}), 403, "forbidden")
    assert _state(db) == before


def test_page_writes_to_a_retired_board_are_refused(db, world, board, client):
    """Undo, help notes, resolving, the retrospective, the stand-up and its schedule: 409, no
    change."""
    before = _state(db)
    login(client, "anna@test.example")
    card = board["card"]
    for path, data in [
        (f"/actions/{board['gone']}/restore", {}),
        (f"/actions/{card}/help/notes", {"text": "Wie helpt?"}),
        (f"/actions/{card}/help/resolve", {"version": str(board["version"])}),
        (f"/teams/wonen/cycles/{world.cycle}/retrospective", {"went_well": "Veel"}),
        ("/teams/wonen/standup/start", {}),
        ("/teams/wonen/standup/schedule", {"time": "09:15", "weekdays": "mon"}),
    ]:
        response = client.post(path, data=data, headers={"HX-Request": "true"})
        assert response.status_code == 409, (path, response.status_code)
    assert _state(db) == before


def test_retired_board_page_reads_as_read_only(db, world, board, client):
    """The board says the team is retired and offers no new action, moves, undo or closing."""
    login(client, "anna@test.example")
    page = client.get(f"/teams/wonen?deleted={board['gone']}").get_data(as_text=True)
    assert "Dit team is opgeheven." in page
    assert 'data-can-write="false"' in page
    assert 'id="new-action"' not in page
    assert f"/actions/{board['gone']}/restore" not in page
    assert f"/teams/wonen/cycles/{world.cycle}/close" not in page
    detail = client.get(f"/actions/{board['card']}").get_data(as_text=True)
    assert RETIRED in detail and "/help/notes" not in detail and 'name="title"' not in detail
    close = client.get(f"/teams/wonen/cycles/{world.cycle}/close").get_data(as_text=True)
    assert RETIRED in close and "decision-" not in close


def test_a_restored_team_can_write_again(db, world, board, api_as, client):
    """Bringing the team back opens its board again (the refusal is about retirement only)."""
    with unit_of_work(db) as s:
        teams.update_team(s, world.admin, world.wonen_id, retired=False)
    api = api_as("anna@test.example")
    moved = api.post(f"/actions/{board['card']}/move", {"status": "doing",
                                                        "version": board["version"]})
    assert moved.status_code == 200
    login(client, "anna@test.example")
    assert 'data-can-write="true"' in client.get("/teams/wonen").get_data(as_text=True)


def test_retired_teams_requests_for_help_leave_the_team_of_teams_list(db, world, board):
    """A retired team's request for help can no longer be answered, so it is not listed."""
    def listed():
        with db.reader() as s:
            goal_index, ambitions = queries.goal_index(s)
            return [c.action.id for c in escalation.open_escalations(s, goal_index, ambitions)]
    assert board["card"] not in listed()
    with unit_of_work(db) as s:
        teams.update_team(s, world.admin, world.wonen_id, retired=False)
    assert board["card"] in listed()

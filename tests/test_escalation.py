"""Escalation rules, and the goal an action may serve: both databases, through the services."""

import pytest
from sqlmodel import select

from boards import actions, catalog, closing, escalation, queries
from boards.errors import Conflict, Invalid
from boards.models import Action, Event
from boards.overview import overview_for
from boards.unit_of_work import unit_of_work

from .conftest import login


def add(db, world, title, **fields):
    with unit_of_work(db) as s:
        return actions.create_action(s, world.anna, "wonen", title=title, **fields).action


def ask_help(db, world, action, reason="Akkoord MT nodig"):
    with unit_of_work(db) as s:
        return actions.edit_action(s, world.anna, action.id, version=action.version,
                                   fields={"needs_help": True, "help_reason": reason}).action


def kinds(db, action_id):
    with db.reader() as s:
        return [e.kind for e in s.exec(select(Event).where(Event.action_id == action_id)
                                       .order_by(Event.id)).all()]


def escalated_titles(db):
    with db.reader() as s:
        goals, ambitions = queries.goal_index(s)
        return [c.action.title for c in escalation.open_escalations(s, goals, ambitions)]


def close(db, world, decisions):
    with unit_of_work(db) as s:
        return closing.close_team_cycle(s, world.anna, "wonen", world.cycle, decisions)


def test_moving_to_done_ends_the_escalation(db, world):
    """Done: the card leaves the escalations and the overview's 'needs help', logged."""
    card = ask_help(db, world, add(db, world, "Vergunning"))
    with unit_of_work(db) as s:
        moved = actions.move_action(s, world.anna, card.id, status="done", version=card.version)
    assert moved.action.needs_help is False and moved.card.action.help_reason == ""
    assert kinds(db, card.id)[-2:] == ["moved", "help_ended"]
    assert escalated_titles(db) == []
    with db.reader() as s:
        wonen = next(t for t in overview_for(s).teams if t.team.slug == "wonen")
    assert wonen.needs_help == 0


def test_a_finished_card_cannot_ask_for_help(db, world):
    """Asking for help on a done card is refused."""
    card = add(db, world, "Klaar", status="done")
    with pytest.raises(Invalid) as refused, unit_of_work(db) as s:
        actions.edit_action(s, world.anna, card.id, version=1,
                            fields={"needs_help": True, "help_reason": "Toch hulp"})
    assert refused.value.field == "needs_help"


def test_carried_copy_takes_the_escalation_over(db, world):
    """The copy in the next cycle is escalated; the closed original leaves every list."""
    card = ask_help(db, world, add(db, world, "Subsidie"))
    result = close(db, world, [{"action_id": card.id, "decision": "carry"}])
    (copy,) = [change.action for change in result.carried]
    with db.reader() as s:
        original = s.get(Action, card.id)
        copy = s.get(Action, copy.id)
    assert original.needs_help is False and original.outcome == "carried"
    assert copy.needs_help is True and copy.help_reason == "Akkoord MT nodig"
    assert copy.help_since is not None
    assert escalated_titles(db) == ["Subsidie"]
    with db.reader() as s:
        ended = s.exec(select(Event).where(Event.action_id == card.id,
                                           Event.kind == "help_ended")).one()
    assert ended.after == {"needs_help": False, "why": "carried", "next_action_id": copy.id}
    assert "help_taken_over" in kinds(db, copy.id)


def test_dropping_ends_the_escalation_with_the_cycle(db, world):
    """A dropped card's escalation ends when the cycle closes."""
    card = ask_help(db, world, add(db, world, "Vervalt"))
    close(db, world, [{"action_id": card.id, "decision": "drop", "reason": "Niet meer nodig"}])
    assert escalated_titles(db) == []
    with db.reader() as s:
        ended = s.exec(select(Event).where(Event.action_id == card.id,
                                           Event.kind == "help_ended")).one()
    assert ended.after["why"] == "cycle_closed"


def test_closed_cycle_cards_cannot_change_through_the_thread(db, world):
    """After the close, neither a note nor a resolution nor an edit reaches the closed card."""
    card = ask_help(db, world, add(db, world, "Afgesloten"))
    close(db, world, [{"action_id": card.id, "decision": "drop", "reason": "Weg"}])
    with db.reader() as s:
        version = s.get(Action, card.id).version
    for attempt in (
            lambda s: escalation.respond_to_help(s, world.anna, card.id, text="Nog iets"),
            lambda s: escalation.resolve_help(s, world.anna, card.id, version=version),
            lambda s: actions.edit_action(s, world.anna, card.id, version=version,
                                          fields={"needs_help": True, "help_reason": "Weer"})):
        with pytest.raises(Conflict), unit_of_work(db) as s:
            attempt(s)


@pytest.fixture
def other_goal(db, world):
    """A short-term goal of an ambition that team wonen does not work on."""
    with unit_of_work(db) as s:
        ambition = catalog.create_ambition(s, world.admin, title="Duurzaam")
        long_goal = catalog.create_goal(s, world.admin, ambition_id=ambition.id, horizon="long",
                                        title="Energieneutraal")
        return catalog.create_goal(s, world.admin, ambition_id=ambition.id, horizon="short",
                                   title="Zonnepanelen", parent_id=long_goal.id).id


def test_goal_must_belong_to_an_ambition_of_the_team(db, world, other_goal):
    """Create and edit refuse a goal of an ambition the team does not work on."""
    with pytest.raises(Invalid) as refused, unit_of_work(db) as s:
        actions.create_action(s, world.anna, "wonen", title="Verkeerd doel", goal_id=other_goal)
    assert refused.value.field == "goal_id"
    card = add(db, world, "Goed doel", goal_id=world.short_goal)
    with pytest.raises(Invalid), unit_of_work(db) as s:
        actions.edit_action(s, world.anna, card.id, version=1, fields={"goal_id": other_goal})


def test_goal_check_over_the_api(app, client, world, other_goal, api_as):
    """The API answers 422 on create and on PATCH with a foreign goal."""
    anna = api_as("anna@test.example")
    refused = anna.post("/teams/wonen/actions", {"title": "X", "goal_id": other_goal})
    assert refused.status_code == 422 and refused.get_json()["field"] == "goal_id"
    created = anna.post("/teams/wonen/actions", {"title": "Y", "goal_id": world.short_goal})
    assert created.status_code == 201
    card = created.get_json()["action"]
    patched = anna.patch(f"/actions/{card['id']}", {"version": card["version"],
                                                    "goal_id": other_goal})
    assert patched.status_code == 422 and patched.get_json()["field"] == "goal_id"


def test_thread_shows_how_the_escalation_ended(app, client, db, world):
    """The card's page shows the end of the request in its help thread."""
    card = ask_help(db, world, add(db, world, "Draad"))
    with unit_of_work(db) as s:
        actions.move_action(s, world.anna, card.id, status="done", version=card.version)
    login(client, "anna@test.example")
    page = client.get(f"/actions/{card.id}").get_data(as_text=True)
    assert "het verzoek is beëindigd: de actie is klaar" in page

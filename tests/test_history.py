"""History people can read: every Event kind has a sentence in Dutch and English, and no raw
event code reaches a page or an export meant for people."""

import ast
import re
from pathlib import Path

from flask_babel import force_locale
from sqlmodel import select

from app.history import SENTENCES, describe, names_for
from boards import actions, catalog, closing, escalation, goals
from boards.models import Event
from boards.unit_of_work import unit_of_work

from .conftest import login

BOARDS = Path(__file__).resolve().parent.parent / "boards"
# Codes that must never be shown to people as they are.
RAW = re.compile(r"\b(member_added|delegate_set|team_created|help_note|help_[a-z]+|goal_[a-z]+|"
                 r"ambition_[a-z]+|carried_over|cycle_closed|standup_started)\b|→|"
                 r"\((todo|doing|done)")


RECORDERS = ("record",)  # boards/events.py: the calls that log an Event


def _values(node, constants):
    """The strings an expression can evaluate to: literals, either branch of `a if c else b`,
    the values of a dict it indexes, a module-level name's value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body, constants) | _values(node.orelse, constants)
    if isinstance(node, ast.Dict):
        return set().union(*(_values(v, constants) for v in node.values))
    if isinstance(node, ast.Subscript):
        return _values(node.value, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return _values(constants[node.id], constants)
    return set()


def kinds_logged_in_boards():
    """Every Event kind the services can log: the `kind=` of each `record(...)` call, the
    values a `kind = ...` assignment can take and what a `..._kind()` function returns."""
    kinds = set()
    for path in BOARDS.glob("*.py"):
        tree = ast.parse(path.read_text())
        constants = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr",
                                                      getattr(node.func, "id", None)) in RECORDERS:
                for keyword in node.keywords:
                    if keyword.arg == "kind":
                        kinds |= _values(keyword.value, constants)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "kind" for t in node.targets):
                kinds |= _values(node.value, constants)
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_kind"):
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        kinds |= _values(ret.value, constants)
    return kinds


def test_the_enumeration_finds_the_kinds_logged_indirectly():
    """Kinds chosen by a mapping or a helper are found too (else the next test proves little)."""
    found = kinds_logged_in_boards()
    assert {"moved", "carried_over", "dropped", "split", "help_requested", "help_resolved",
            "edited", "goal_achieved", "goal_reopened", "person_disabled"} <= found


def test_every_event_kind_has_a_sentence_in_both_languages(app):
    """Each kind logged in boards/ has its own sentence, Dutch and English, with no code in it."""
    missing = kinds_logged_in_boards() - set(SENTENCES)
    assert missing == set()
    event = Event(id=1, kind="x", person_id=None, team_id=None, action_id=3,
                  before={"status": "todo", "title": "Bellen"},
                  after={"status": "doing", "title": "Bellen", "why": "done"})
    with app.test_request_context():
        for kind in SENTENCES:
            event.kind = kind
            texts = {}
            for lang in ("nl", "en"):
                with force_locale(lang):
                    texts[lang] = describe(event, names_for_nothing())
                    assert not RAW.search(texts[lang]), (kind, lang, texts[lang])
            assert texts["nl"] != texts["en"], kind


def names_for_nothing():
    from boards.history import Names
    return Names()


def test_sentences_name_people_cards_and_columns(app, db, world):
    """'Anna zette 'Bellen' van Te doen naar Mee bezig'; 'Bert werd lid van Wonen'."""
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, world.wonen, title="Bellen").action
        actions.move_action(s, world.anna, card.id, status="doing", version=card.version)
        events = s.exec(select(Event).order_by(Event.id)).all()
        names = names_for(s, events)
    with app.test_request_context(), force_locale("nl"):
        told = [describe(e, names) for e in events]
    assert "Anna Ëlsen zette 'Bellen' van Te doen naar Mee bezig" in told
    assert "Bert Bakker werd lid van Wonen" in told
    assert "Anna Ëlsen zette 'Bellen' in Te doen" in told
    with app.test_request_context(), force_locale("en"):
        told = [describe(e, names) for e in events]
    assert "Anna Ëlsen moved 'Bellen' from To do to Doing" in told
    assert "Bert Bakker became a member of Wonen" in told


def _busy_board(db, world):
    """A board whose log has moves, escalation notes, members, delegates, goals and a close."""
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, world.wonen, title="Bellen").action
        card = actions.move_action(s, world.anna, card.id, status="doing",
                                   version=card.version).action
        card = actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"needs_help": True, "help_reason": "Budget"}).action
        escalation.respond_to_help(s, world.admin, card.id, text="Kijk ik naar")
        catalog.add_member(s, world.admin, world.wonen_id, world.carla, delegate=True)
        goal = goals.create_team_goal(s, world.anna, world.wonen, title="Sneller",
                                      horizon="short", parent_id=world.long_goal).goal
        goals.edit_goal(s, world.anna, goal.id, version=1, fields={"status": "achieved"})
        closing.save_retrospective(s, world.anna, world.wonen, world.cycle,
                                   {"went_well": "Samen"})
    return card


def test_pages_show_sentences_not_codes(client, db, world):
    """Activity feed and card history, Dutch and English: sentences, no codes, no arrows."""
    card = _busy_board(db, world)
    login(client, "anna@test.example")
    for lang in ("nl", "en"):
        client.post("/language", data={"lang": lang, "next": "/me"})
        for path in ("/teams/wonen/activity", f"/actions/{card.id}"):
            html = client.get(path).get_data(as_text=True)
            # What a person reads: the text, not the tags (form fields are named goal_id etc.).
            text = re.sub(r"<[^>]*>", " ", html.split("<main", 1)[1])
            assert not RAW.search(text), (lang, path)
    html = client.get("/teams/wonen/activity").get_data(as_text=True)
    assert "Carla Çelik became the delegate of Wonen to the Team of teams" in html
    assert "Anna Ëlsen marked the goal &#39;Sneller&#39; achieved" in html


def test_admin_event_export_keeps_codes_with_a_sentence_beside(client, db, world):
    """The raw export: the code column stays, a readable description is next to it."""
    _busy_board(db, world)
    token = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                "password": "correct horse battery"}).get_json()
    body = client.get("/admin/events/export.csv",
                      headers={"Authorization": f"Bearer {token['token']}"}).get_data(as_text=True)
    header, *rows = body.lstrip("\ufeff").splitlines()
    assert header.split(";")[3:5] == ["kind", "description"]
    moved = next(r for r in rows if ";moved;" in r)
    assert "zette 'Bellen' van Te doen naar Mee bezig" in moved


def test_card_history_tells_each_event_with_the_title_it_had_then(client, db, world):
    """A renamed card's history: events before the rename name the old title, the rename says
    old and new, later events (also those that log no title, such as a help reply) the new one."""
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, world.wonen, title="Bellen").action
        card = actions.move_action(s, world.anna, card.id, status="doing",
                                   version=card.version).action
        card = actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"title": "Terugbellen"}).action
        card = actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"title": "Klanten terugbellen", "notes": "Lijst"}
                                   ).action
        card = actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"needs_help": True, "help_reason": "Budget"}).action
        escalation.respond_to_help(s, world.admin, card.id, text="Kijk ik naar")
    login(client, "anna@test.example")
    html = client.get(f"/actions/{card.id}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html.split("<main", 1)[1])).replace(
        "&#39;", "'")
    told = [
        "Anna Ëlsen zette 'Bellen' in Te doen",
        "Anna Ëlsen zette 'Bellen' van Te doen naar Mee bezig",
        "Anna Ëlsen wijzigde de titel van 'Bellen' in 'Terugbellen'",
        "Anna Ëlsen wijzigde de titel van 'Terugbellen' in 'Klanten terugbellen' en wijzigde "
        "de notities",
        "Ada Admin reageerde op de hulpvraag bij 'Klanten terugbellen'",
    ]
    positions = [text.find(sentence) for sentence in told]
    assert -1 not in positions, [s for s, p in zip(told, positions, strict=True) if p == -1]
    assert sorted(positions) == positions or sorted(positions, reverse=True) == positions
    assert "zette 'Klanten terugbellen' in Te doen" not in text


def test_a_help_reply_takes_the_title_of_the_card_at_that_moment(app, db, world):
    """An event that logs no title is told with the title of the card's event before it."""
    from app.history import described
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, world.wonen, title="Oud").action
        card = actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"needs_help": True, "help_reason": "Hulp"}).action
        escalation.respond_to_help(s, world.admin, card.id, text="Ik help")
        card = actions.edit_action(s, world.anna, card.id, version=card.version,
                                   fields={"title": "Nieuw"}).action
        events = s.exec(select(Event).where(Event.action_id == card.id).order_by(Event.id)).all()
        with app.test_request_context(), force_locale("en"):
            told = [text for _e, text in described(s, events)]
    reply = next(t for t in told if "replied" in t)
    assert "'Oud'" in reply and "Nieuw" not in reply
    assert told[-1] == "Anna Ëlsen renamed 'Oud' to 'Nieuw'"

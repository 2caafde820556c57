"""The one write path: rights, validation, versions, order and the log (SQLite and PostgreSQL)."""

import random
from datetime import date, timedelta

import pytest
from sqlmodel import select

from boards import actions, people, queries
from boards.errors import Conflict, Forbidden, Invalid, NotFound
from boards.models import Action, Event
from boards.unit_of_work import unit_of_work


def create(db, world, actor=None, **fields):
    fields.setdefault("title", "Belscript aanpassen")
    with unit_of_work(db) as s:
        return actions.create_action(s, actor or world.anna, world.wonen, **fields).action


def move(db, actor, action, status, before_id=None, after_id=None, version=None, op_id=None):
    with unit_of_work(db) as s:
        return actions.move_action(s, actor, action.id, status=status, before_id=before_id,
                                   after_id=after_id, version=version or action.version,
                                   op_id=op_id).action


def column_ids(db, slug, status):
    with db.reader() as s:
        return [c.action.id for c in queries.board_view(s, slug).columns[status]]


def events_of(db, action_id):
    with db.reader() as s:
        return s.exec(select(Event).where(Event.action_id == action_id).order_by(Event.id)).all()


def test_member_creates_action_with_goal_and_one_event(db, world):
    """A member's new card lands in todo with its goal; one 'created' event is logged."""
    action = create(db, world, goal_id=world.short_goal, notes="Met team Publiekszaken")
    assert (action.status, action.version, action.goal_id) == ("todo", 1, world.short_goal)
    assert [e.kind for e in events_of(db, action.id)] == ["created"]
    with db.reader() as s:
        card = queries.card_for(s, action.id)
    assert (
        card.long_goal.id == world.long_goal and card.ambition.title == "Dienstverlening dichtbij"
    )


def test_non_member_cannot_write_but_admin_can(db, world):
    """Carla (other team) is refused; the admin may write any board."""
    with pytest.raises(Forbidden):
        create(db, world, actor=world.carla)
    action = create(db, world, actor=world.admin, owner_id=world.anna)
    with pytest.raises(Forbidden):
        move(db, world.carla, action, "doing")
    assert column_ids(db, world.wonen, "todo") == [action.id]


@pytest.mark.parametrize("fields, field", [
    ({"title": "   "}, "title"), ({"title": "x" * 201}, "title"),
    ({"status": "later"}, "status"), ({"owner_id": 9999}, "owner_id"),
    ({"owner_id": "2"}, "owner_id"), ({"goal_id": 9999}, "goal_id"),
    ({"notes": "n" * 4001}, "notes"),
])
def test_create_validates_input(db, world, fields, field):
    """Bad input is refused with the field named, and nothing is written."""
    with pytest.raises(Invalid) as error:
        create(db, world, **fields)
    assert error.value.field == field
    assert column_ids(db, world.wonen, "todo") == []


def test_owner_must_be_member_and_goal_short_term(db, world):
    """Owner from another team, or a long-term goal, is invalid."""
    with pytest.raises(Invalid):
        create(db, world, owner_id=world.carla)
    with pytest.raises(Invalid):
        create(db, world, goal_id=world.long_goal)


def test_unknown_team_and_action(db, world):
    """Unknown team or action → NotFound."""
    with pytest.raises(NotFound), unit_of_work(db) as s:
        actions.create_action(s, world.anna, "bestaat-niet", title="x")
    with pytest.raises(NotFound), unit_of_work(db) as s:
        actions.move_action(s, world.anna, 424242, status="done", version=1)


def test_stale_version_is_a_conflict_and_changes_nothing(db, world):
    """Two people move the same card from version 1: the second is refused."""
    action = create(db, world)
    moved = move(db, world.anna, action, "doing", version=1)
    assert moved.version == 2
    with pytest.raises(Conflict):
        move(db, world.bert, action, "done", version=1)
    with pytest.raises(Conflict):
        with unit_of_work(db) as s:
            actions.edit_action(s, world.bert, action.id, version=1, fields={"title": "Nieuw"})
    assert column_ids(db, world.wonen, "doing") == [action.id]
    assert [e.kind for e in events_of(db, action.id)] == ["created", "moved"]


def test_edit_logs_before_and_after(db, world):
    """An edit bumps the version and logs both states; an empty edit logs nothing."""
    action = create(db, world)
    with unit_of_work(db) as s:
        change = actions.edit_action(s, world.bert, action.id, version=1,
                                     fields={"title": "Wachttijden meten"})
    assert change.action.version == 2
    entry = events_of(db, action.id)[-1]
    assert (entry.kind, entry.before["title"], entry.after["title"]) == (
        "edited", "Belscript aanpassen", "Wachttijden meten")
    with unit_of_work(db) as s:
        same = actions.edit_action(s, world.bert, action.id, version=2,
                                   fields={"title": "Wachttijden meten"})
    assert same.event is None and len(events_of(db, action.id)) == 2


def test_needs_help_requires_reason_and_is_logged(db, world):
    """Escalating needs a reason; it is logged as help_requested."""
    action = create(db, world)
    with pytest.raises(Invalid), unit_of_work(db) as s:
        actions.edit_action(s, world.anna, action.id, version=1, fields={"needs_help": True})
    with unit_of_work(db) as s:
        actions.edit_action(s, world.anna, action.id, version=1,
                            fields={"needs_help": True, "help_reason": "Akkoord MT nodig"})
    assert events_of(db, action.id)[-1].kind == "help_requested"


def test_move_places_card_between_neighbours(db, world):
    """before_id/after_id put the card exactly there; one row changes per move."""
    a, b, c = (create(db, world, title=t) for t in ("A", "B", "C"))
    assert column_ids(db, world.wonen, "todo") == [a.id, b.id, c.id]
    move(db, world.anna, c, "todo", before_id=a.id, after_id=b.id)
    assert column_ids(db, world.wonen, "todo") == [a.id, c.id, b.id]
    c2 = move(db, world.anna, c, "doing", version=2)
    move(db, world.anna, a, "doing", after_id=c2.id)
    assert column_ids(db, world.wonen, "doing") == [a.id, c.id]


def test_stale_neighbour_is_ignored_consistently(db, world):
    """A neighbour that left the column does not break the move: the card goes to the end."""
    a, b = create(db, world, title="A"), create(db, world, title="B")
    move(db, world.anna, a, "done")
    move(db, world.anna, b, "doing", before_id=a.id)
    assert column_ids(db, world.wonen, "doing") == [b.id]


def test_resent_operation_is_applied_once(db, world):
    """The same op_id twice: one move, one event, same answer."""
    action = create(db, world)
    first = move(db, world.anna, action, "doing", version=1, op_id="op-123456789")
    again = move(db, world.anna, action, "doing", version=1, op_id="op-123456789")
    assert first.version == again.version == 2
    assert [e.kind for e in events_of(db, action.id)] == ["created", "moved"]


def test_order_survives_many_moves_and_rebalances(db, world):
    """300 random moves keep a strict order that matches a model; keys stay short."""
    rng = random.Random(7)
    cards = [create(db, world, title=f"Kaart {i}") for i in range(8)]
    model = {"todo": [c.id for c in cards], "doing": [], "done": []}
    versions = {c.id: 1 for c in cards}
    for step in range(300):
        card_id = rng.choice([c.id for c in cards])
        status = rng.choice(["todo", "doing", "done"])
        for col in model.values():
            if card_id in col:
                col.remove(card_id)
        # Always drop right at the top: the worst case for key growth.
        index = 0 if step % 2 else rng.randint(0, len(model[status]))
        before = model[status][index - 1] if index > 0 else None
        after = model[status][index] if index < len(model[status]) else None
        model[status].insert(index, card_id)
        with unit_of_work(db) as s:
            moved = actions.move_action(s, world.bert, card_id, status=status, before_id=before,
                                        after_id=after, version=versions[card_id]).action
        versions[card_id] = moved.version
    with db.reader() as s:
        rows = s.exec(select(Action).where(Action.team_id == world.wonen_id)).all()
    for status, ids in model.items():
        assert column_ids(db, world.wonen, status) == ids
        keys = [r.position for r in sorted(rows, key=lambda r: r.position) if r.status == status]
        assert len(set(keys)) == len(keys)
    assert max(len(r.position) for r in rows) <= 24


def test_delete_keeps_history(db, world):
    """A deleted card leaves the board; its events stay."""
    action = create(db, world)
    with unit_of_work(db) as s:
        actions.delete_action(s, world.anna, action.id, version=1)
    assert column_ids(db, world.wonen, "todo") == []
    assert [e.kind for e in events_of(db, action.id)] == ["created", "deleted"]


def test_disabled_person_cannot_write_or_log_in(db, world):
    """Disabling ends writing, password login and tokens."""
    with unit_of_work(db) as s:
        token = people.issue_token(s, world.bert)
    with unit_of_work(db) as s:
        people.set_active(s, world.admin, world.bert, False)
    with pytest.raises(Forbidden):
        create(db, world, actor=world.bert)
    with db.reader() as s:
        assert people.authenticate(s, "bert@test.example", "correct horse battery") is None
        assert people.token_for_bearer(s, token) is None


def _move_kind(db, actor, card_id, status):
    with unit_of_work(db) as s:
        version = s.get(Action, card_id).version
        return actions.move_action(s, actor, card_id, status=status, version=version).kind


def test_a_move_says_whether_the_card_shows_anything_else(db, world):
    """Only its place changed: "moved". Also what the card shows (it stops or starts being
    overdue, or its call for help ends at done): "changed", so that its HTML is sent."""
    plain = create(db, world).id
    late = create(db, world, title="Te laat", due_date=date.today() - timedelta(days=3)).id
    kinds = [_move_kind(db, world.anna, card_id, status) for card_id, status in (
        (plain, "doing"), (plain, "done"), (late, "doing"), (late, "done"), (late, "todo"))]
    assert kinds == ["moved", "moved", "moved", "changed", "changed"]
    assert _move_kind(db, world.anna, plain, "todo") == "moved"
    with unit_of_work(db) as s:
        actions.edit_action(s, world.anna, plain, version=4,
                            fields={"needs_help": True, "help_reason": "Akkoord MT"})
    assert _move_kind(db, world.anna, plain, "doing") == "moved"
    assert _move_kind(db, world.anna, plain, "done") == "changed"
    with db.reader() as s:
        assert s.get(Action, plain).needs_help is False

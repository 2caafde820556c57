"""The one write path for actions: validate, authorise, version, order, log."""

from datetime import date, datetime, timedelta

from sqlalchemy import Integer, String, bindparam, func
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select

from . import escalation, events, ordering, outbox
from .access import active_person, is_id, require_team_writer
from .changes import (
    CARD_STATEMENT,
    Change,
    check_open,
    check_version,
    check_writable,
    lock_team,
    locked_action,
    locked_card,
    unchanged,
    with_card,
)
from .cycles import current_cycle
from .direct import Direct
from .errors import N_, Conflict, Invalid, NotFound
from .models import STATUSES, Action, Event, Goal, Person, utcnow
from .people import aware
from .queries import team_by_slug
from .stale_edits import merge_stale_edit
from .validation import (
    NOTES_MAX,
    check_due_date,
    check_goal,
    check_owner,
    clean_fields,
    clean_text,
    clean_title,
)

EDITABLE = ("title", "notes", "owner_id", "goal_id", "needs_help", "help_reason", "due_date")


def _last_position(session, team_id, number, status):
    return session.exec(
        select(func.max(Action.position)).where(
            Action.team_id == team_id, Action.cycle_number == number, Action.status == status)
    ).one()


def create_action(session, actor_id, team_slug, *, title, owner_id=None, notes="", goal_id=None,
                  status="todo", due_date=None, cycle_number=None, today=None):
    """Create a card at the bottom of a column of the team's board for this cycle (`today`:
    the day that decides which cycle that is; the demo seed plans a past cycle with it)."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, team_slug)
    require_team_writer(session, actor, team)
    title = clean_title(title)
    notes = clean_text(notes, "notes", NOTES_MAX)
    if status not in STATUSES:
        raise Invalid(N_("Unknown column."), field="status")
    owner = check_owner(session, actor.id if owner_id is None else owner_id, team)
    goal = check_goal(session, goal_id, team)
    number = _cycle_number(session, cycle_number, today)
    check_due_date(due_date)
    lock_team(session, team.id)
    check_open(session, team.id, number)
    position = ordering.key_between(_last_position(session, team.id, number, status), None)
    action = Action(title=title, notes=notes, owner_id=owner.id, team_id=team.id,
                    goal_id=goal.id if goal else None, cycle_number=number, status=status,
                    position=position, due_date=due_date)
    session.add(action)
    session.flush()
    entry = events.record(session, kind="created", person_id=actor.id, team_id=team.id,
                          action_id=action.id, after=events.snapshot(action))
    _rebalance_if_long(session, action)
    return with_card(session, Change("created", action, team, owner, entry))


def edit_action(session, actor_id, action_id, *, version, fields):
    """Change the given fields (a dict) of a card; `version` must be the card's current version."""
    return _edit(session, actor_id, action_id, version, fields, merge=False)


def edit_action_merging(session, actor_id, action_id, *, version, fields):
    """edit_action for the edit dialog, whose form may be based on an older version: only the
    fields it changes are written, unless someone else changed one of them since (EditConflict;
    see stale_edits.py). The API stays strict: a stale version is a conflict there."""
    return _edit(session, actor_id, action_id, version, fields, merge=True)


def _edit(session, actor_id, action_id, version, fields, *, merge):
    if not isinstance(fields, dict):
        raise Invalid(N_("Invalid request."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Invalid(N_("Unknown field."), field=str(sorted(map(str, unknown))[0]))
    actor = active_person(session, actor_id)
    action, team = locked_action(session, action_id)
    require_team_writer(session, actor, team)
    check_open(session, action.team_id, action.cycle_number)
    if merge and is_id(version) and version < action.version:
        values = merge_stale_edit(session, action, version, clean_fields(session, team, fields, current_goal_id=action.goal_id))
    else:
        check_version(action, version)
        values = clean_fields(session, team, fields, current_goal_id=action.goal_id)
    before = events.snapshot(action)
    previous_owner_id = action.owner_id
    for name, value in values.items():
        setattr(action, name, value)
    escalation.apply_help_fields(action, before["needs_help"])
    after = events.snapshot(action)
    if after == before:
        return unchanged(session, action, team)
    action.version += 1
    action.updated_at = utcnow()
    entry = events.record(session, kind=escalation.edit_kind(before, after), person_id=actor.id,
                          team_id=team.id, action_id=action.id, before=before,
                          after=events.snapshot(action))
    return with_card(session, Change("changed", action, team,
                                         session.get(Person, action.owner_id), entry,
                                         previous_owner_id=previous_owner_id))


def move_action(session, actor_id, action_id, *, status, version, before_id=None, after_id=None,
                op_id=None):
    """Move a card to `status`, right after `before_id` (or right before `after_id`).

    `before_id` is the card that will precede it, `after_id` the card that will
    follow it; either may be None. A neighbour that is no longer in the target
    column is ignored, so the card still lands in a consistent place.

    One read of the card with everything the checks, its new position and the broadcast need
    (under the board's lock), the UPDATE, the log's INSERT.
    """
    if status not in STATUSES:
        raise Invalid(N_("Unknown column."), field="status")
    op_id = _clean_op_id(op_id)
    # A neighbour that is not a key is refused below, after the checks that come first.
    locked = locked_card(session, actor_id, action_id, op_id, statement=MOVE_STATEMENT, params={
        "status": status, "before_id": before_id if is_id(before_id) else None,
        "after_id": after_id if is_id(after_id) else None})
    action, team = locked.action, locked.team
    if locked.op_used_by is not None:
        if locked.op_used_by == (actor_id, action.id):
            return Change("changed", action, team, locked.card.owner, None, card=locked.card)
        raise Invalid(N_("This operation id was already used."), field="op_id")
    check_writable(locked)
    check_version(action, version)
    for neighbour_id in (before_id, after_id):
        if neighbour_id is not None and neighbour_id != action_id and not is_id(neighbour_id):
            raise Invalid(N_("Invalid neighbour card."), field="before_id")
    before = events.snapshot(action)
    *keys, webhooks_exist = locked.extra
    if not webhooks_exist:
        outbox.skip_webhooks(session)
    moved = {"position": _position_from(keys), "status": status, "version": action.version + 1,
             "updated_at": utcnow()}
    for name, value in moved.items():
        set_committed_value(action, name, value)
    # The UPDATE and the log's INSERT, written at once (the session's unit of work costs more
    # than the writes): one statement on PostgreSQL, two on SQLite.
    entry = events.record_at_once(session, kind="moved", person_id=actor_id, team_id=team.id,
                                  action_id=action.id, before=before,
                                  after=events.snapshot(action), op_id=op_id,
                                  along=MOVE_UPDATE, along_params={"card_id": action.id, **moved})
    if (status == "done" and action.needs_help) or _too_long(action.position):
        # The rare writes below go through the session: they need the card as it knows it.
        action = locked.card.action = session.get(Action, action.id)
        if status == "done":
            escalation.end_escalation(session, action, actor_id, escalation.ENDED_DONE)
        _rebalance_if_long(session, action)
    session.flush()
    return Change("changed", action, team, locked.card.owner, entry, card=locked.card)


def _clean_op_id(op_id):
    if op_id is None:
        return None
    if not isinstance(op_id, str) or not 8 <= len(op_id) <= 64 or not op_id.isascii() \
            or not op_id.isprintable():
        raise Invalid(N_("Invalid operation id."), field="op_id")
    return op_id


def _neighbour_keys():
    """Columns for the card's read: the neighbours' keys and the keys next to them in the
    target column (`status`), correlated with the card being moved."""
    status = bindparam("status", type_=String)

    def column(alias):
        return (alias.team_id == Action.team_id, alias.cycle_number == Action.cycle_number,
                alias.status == status, alias.id != Action.id)

    def key_of(name, alias):
        card = aliased(Action, name=alias)
        return (select(card.position).where(card.id == bindparam(name, type_=Integer), *column(card))
                .correlate(Action).scalar_subquery())

    # Short aliases: psycopg converts a statement longer than 4096 characters on every run
    # instead of once (tests/test_direct.py).
    before_key, after_key = key_of("before_id", "b"), key_of("after_id", "a")
    others = aliased(Action, name="o")
    return (
        before_key,
        select(func.min(others.position)).where(*column(others), others.position > before_key)
        .correlate(Action).scalar_subquery(),
        after_key,
        select(func.max(others.position)).where(*column(others), others.position < after_key)
        .correlate(Action).scalar_subquery(),
        select(func.max(others.position)).where(*column(others)).correlate(Action).scalar_subquery())


# The card, everything its checks and broadcast need, where it can go, and whether any webhook
# wants to hear of it: one statement.
MOVE_STATEMENT = Direct(CARD_STATEMENT.add_columns(*_neighbour_keys(), outbox.WEBHOOKS_EXIST))


def _position_from(keys):
    """A key between the wanted neighbours and their actual neighbours in the column.

    A neighbour that is the card itself, or no longer in the column, was read as None.
    """
    before, following, after, preceding, last = keys
    if before is not None:
        return ordering.key_between(before, following)
    if after is not None:
        return ordering.key_between(preceding, after)
    # No usable neighbour: the card goes to the bottom of the column.
    return ordering.key_between(last, None)


def _too_long(position):
    return len(position) > ordering.MAX_KEY_LENGTH


def _rebalance_if_long(session, action):
    """Give the column short keys again once a key has grown long; order is unchanged."""
    if not _too_long(action.position):
        return
    session.flush()
    cards = session.exec(select(Action).where(
        Action.team_id == action.team_id, Action.cycle_number == action.cycle_number,
        Action.status == action.status).order_by(Action.position)).all()
    for card, key in zip(cards, ordering.spread_keys(len(cards))):
        card.position = key


_ACTION = Action.__table__
MOVE_UPDATE = _ACTION.update().where(_ACTION.c.id == bindparam("card_id")).values(
    {_ACTION.c[name]: bindparam(name, type_=_ACTION.c[name].type)
     for name in ("position", "status", "version", "updated_at")})


# What a deleted card's log entry keeps beyond the snapshot, so that undo restores it exactly.
RESTORE_FIELDS = ("team_id", "help_since", "outcome", "outcome_reason", "carried_from_id",
                  "carry_count", "created_at")


def _deleted_record(action):
    data = events.snapshot(action)
    for name in RESTORE_FIELDS:
        value = getattr(action, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def delete_action(session, actor_id, action_id, *, version):
    """Remove a card from every view; the log keeps it (kind "deleted") so it can be restored."""
    actor = active_person(session, actor_id)
    action, team = locked_action(session, action_id)
    require_team_writer(session, actor, team)
    check_open(session, action.team_id, action.cycle_number)
    check_version(action, version)
    owner = session.get(Person, action.owner_id)
    entry = events.record(session, kind="deleted", person_id=actor.id, team_id=team.id,
                          action_id=action.id, before=_deleted_record(action))
    session.delete(action)
    session.flush()
    return Change("deleted", action, team, owner, entry)


def restore_action(session, actor_id, action_id, *, now, undo_seconds):
    """Undo a delete made at most `undo_seconds` before `now`: the card comes back as it was,
    at its place, with one version more."""
    actor = active_person(session, actor_id)
    if not is_id(action_id):
        raise NotFound(N_("Unknown action."))
    last = session.exec(select(Event).where(Event.action_id == action_id)
                        .order_by(Event.id.desc())).first()
    if last is None:
        raise NotFound(N_("Unknown action."))
    if last.kind != "deleted" or not last.before or last.team_id is None:
        raise Conflict(N_("This card has not been deleted."))
    team = lock_team(session, last.team_id)
    require_team_writer(session, actor, team)
    if session.get(Action, action_id) is not None:
        raise Conflict(N_("This card has not been deleted."))
    if now - aware(last.at) > timedelta(seconds=undo_seconds):
        raise Conflict(N_("This action was deleted too long ago to bring back."))
    data = last.before
    check_open(session, team.id, data["cycle_number"])
    owner = session.get(Person, data["owner_id"])
    goal_id = data["goal_id"] if data["goal_id"] and session.get(Goal, data["goal_id"]) else None
    action = Action(id=action_id, title=data["title"], notes=data["notes"], owner_id=owner.id,
                    team_id=team.id, goal_id=goal_id, cycle_number=data["cycle_number"],
                    status=data["status"], position=data["position"],
                    needs_help=data["needs_help"], help_reason=data["help_reason"],
                    help_since=_moment(data.get("help_since")), due_date=_day(data["due_date"]),
                    outcome=data.get("outcome"), outcome_reason=data.get("outcome_reason") or "",
                    carried_from_id=_existing(session, data.get("carried_from_id")),
                    carry_count=data.get("carry_count") or 0, version=data["version"] + 1,
                    created_at=_moment(data.get("created_at")) or utcnow())
    if session.exec(select(Action.id).where(*_column(session, action, action.status),
                                            Action.position == action.position)).first():
        # Its place was taken meanwhile: right after the card that holds it now.
        following = session.exec(select(func.min(Action.position)).where(
            *_column(session, action, action.status), Action.position > action.position)).one()
        action.position = ordering.key_between(action.position, following)
    session.add(action)
    session.flush()
    entry = events.record(session, kind="restored", person_id=actor.id, team_id=team.id,
                          action_id=action.id, after=events.snapshot(action))
    return with_card(session, Change("created", action, team, owner, entry))


def _column(session, action, status):
    """The other cards of the action's column (its team, cycle and status)."""
    return (Action.team_id == action.team_id, Action.cycle_number == action.cycle_number,
            Action.status == status, Action.id != action.id)


def _moment(value):
    return datetime.fromisoformat(value) if value else None


def _day(value):
    return date.fromisoformat(value) if value else None


def _existing(session, action_id):
    return action_id if action_id and session.get(Action, action_id) is not None else None


def _cycle_number(session, number, today=None):
    """New cards go into this cycle, or are planned ahead into the next one."""
    current = current_cycle(session, today).number
    if number is None or number == current:
        return current
    if number == current + 1:
        return number
    raise Invalid(N_("Plan actions in this cycle or the next one."), field="cycle")

"""The one write path for actions: validate, authorise, version, order, log."""

from datetime import date, datetime, timedelta

from sqlalchemy import Integer, String, bindparam, func
from sqlalchemy.orm import aliased
from sqlmodel import select

from . import escalation, events, ordering, recurring
from .access import active_person, is_id, require_not_retired, require_team_writer
from .changes import (
    Change,
    check_open,
    check_version,
    lock_team,
    locked_action,
    unchanged,
    with_card,
)
from .cycles import current_cycle, today_local
from .errors import N_, Conflict, Forbidden, Invalid, NotFound
from .models import (
    STATUSES,
    Action,
    Ambition,
    Event,
    Goal,
    Membership,
    Person,
    Team,
    TeamCycle,
    utcnow,
)
from .people import aware
from .queries import Card, team_by_slug
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

EDITABLE = ("title", "notes", "owner_id", "goal_id", "needs_help", "help_reason", "due_date",
            "repeat_every")


def _last_position(session, team_id, number, status):
    return session.exec(
        select(func.max(Action.position)).where(
            Action.team_id == team_id, Action.cycle_number == number, Action.status == status)
    ).one()


def create_action(session, *args, **kwargs):
    """Create a card: add_action, under the name the pages, the API and the seed use."""
    return add_action(session, *args, **kwargs)


def add_action(session, actor_id, team_slug, *, title, owner_id=None, notes="", goal_id=None,
               status="todo", due_date=None, cycle_number=None, today=None):
    """Add a card at the bottom of a column of the team's board for this cycle (`today`:
    the day that decides which cycle that is; the demo seed plans a past cycle with it).
    A larger write (an adopted idea) adds it in its own unit of work."""
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
        values = merge_stale_edit(session, action, version, clean_fields(
            session, team, fields, current_goal_id=action.goal_id))
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
    recurring.join_series(session, action)
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

    A Change of kind "moved" when only the card's place changed; "changed" (its HTML is sent)
    when the move also changed what it shows: moving it to done ended its call for help, or it
    stops or starts showing itself overdue.
    """
    if status not in STATUSES:
        raise Invalid(N_("Unknown column."), field="status")
    op_id = _clean_op_id(op_id)
    row = _locked_card(session, actor_id, action_id, op_id)
    card = Card(row.Action, row.owner, row.Team, row.Goal, row.long_goal, row.Ambition)
    action, team, owner = card.action, card.team, card.owner
    if row.op_person_id is not None:
        if (row.op_person_id, row.op_action_id) == (actor_id, action.id):
            return Change("moved", action, team, owner, None, card=card)
        raise Invalid(N_("This operation id was already used."), field="op_id")
    if not (row.actor_is_admin or row.member_id is not None):
        raise Forbidden(N_("Only members of this team can change its board."))
    require_not_retired(team)
    if row.closed_at is not None:
        raise Conflict(N_("This cycle is closed; its cards can no longer change."))
    check_version(action, version)
    for neighbour_id in (before_id, after_id):
        if neighbour_id is not None and neighbour_id != action_id and not is_id(neighbour_id):
            raise Invalid(N_("Invalid neighbour card."), field="before_id")
    before = events.snapshot(action)
    action.position = _new_position(session, action, status, before_id, after_id)
    action.status = status
    action.version += 1
    action.updated_at = utcnow()
    entry = events.record(session, kind="moved", person_id=actor_id, team_id=team.id,
                          action_id=action.id, before=before, after=events.snapshot(action),
                          op_id=op_id)
    _rebalance_if_long(session, action)
    shows_other_content = _overdue(action, before["status"]) != _overdue(action, status)
    if status == "done" and action.needs_help:
        escalation.end_escalation(session, action, actor_id, escalation.ENDED_DONE)
        shows_other_content = True  # its call for help ended
    session.flush()
    return Change("changed" if shows_other_content else "moved", action, team, owner, entry,
                  card=card)


def _overdue(action, status):
    """Whether the card shows itself overdue in this column (as templates/boards/_cards.html)."""
    return action.due_date is not None and status != "done" and action.due_date < today_local()


_Owner = aliased(Person, name="owner")
_Actor = aliased(Person, name="actor")
_LongGoal = aliased(Goal, name="long_goal")
# The statements a move runs, built once (SQLAlchemy then finds their compiled form by key).
_LOCK_BOARD_OF_CARD = select(Team.id).where(Team.id == select(Action.team_id).where(
    Action.id == bindparam("action_id")).scalar_subquery()).with_for_update()
_CARD = (
    select(Action, Team, _Owner, Goal, _LongGoal, Ambition,
           _Actor.active.label("actor_active"), _Actor.is_admin.label("actor_is_admin"),
           Membership.person_id.label("member_id"), TeamCycle.closed_at,
           Event.person_id.label("op_person_id"), Event.action_id.label("op_action_id"))
    .join(Team, Team.id == Action.team_id)
    .join(_Owner, _Owner.id == Action.owner_id)
    .outerjoin(Goal, Goal.id == Action.goal_id)
    .outerjoin(_LongGoal, _LongGoal.id == Goal.parent_id)
    .outerjoin(Ambition, Ambition.id == Goal.ambition_id)
    .outerjoin(_Actor, _Actor.id == bindparam("actor_id", type_=Integer))
    .outerjoin(Membership, (Membership.team_id == Action.team_id)
               & (Membership.person_id == bindparam("actor_id", type_=Integer)))
    .outerjoin(TeamCycle, (TeamCycle.team_id == Action.team_id)
               & (TeamCycle.cycle_number == Action.cycle_number))
    # Without an operation id no event joins (`op_id = NULL` matches nothing).
    .outerjoin(Event, Event.op_id == bindparam("op_id", type_=String))
    .where(Action.id == bindparam("action_id"))
    .execution_options(populate_existing=True))


def _locked_card(session, actor_id, action_id, op_id):
    """The card with its team, owner and goal path, the actor's rights (active, admin, member),
    whether its cycle is closed and who used the operation id before: one read, with the board
    locked.

    PostgreSQL: every write to a board locks its team row first, so writes to one board run one
    at a time, and this read (a new snapshot after the lock) sees what the previous one wrote.
    SQLite's write transaction (BEGIN IMMEDIATE) holds the database's write lock already.
    """
    if is_id(action_id):
        if session.get_bind().dialect.name != "sqlite":
            session.execute(_LOCK_BOARD_OF_CARD, {"action_id": action_id})
        card = session.execute(_CARD, {"action_id": action_id, "actor_id": actor_id,
                                       "op_id": op_id}).first()
        if card is not None and card.actor_active:
            return card
    active_person(session, actor_id)  # an inactive actor is told so first
    raise NotFound(N_("Unknown action."))


def _clean_op_id(op_id):
    if op_id is None:
        return None
    if not isinstance(op_id, str) or not 8 <= len(op_id) <= 64 or not op_id.isascii() \
            or not op_id.isprintable():
        raise Invalid(N_("Invalid operation id."), field="op_id")
    return op_id


def _neighbour_keys():
    """The keys around a card's new place in column `status`: the wanted neighbours' keys (None
    when a neighbour is the card itself or not in that column) and the keys next to them."""
    others = aliased(Action, name="other")
    in_column = (others.team_id == bindparam("team_id"),
                 others.cycle_number == bindparam("cycle_number"),
                 others.status == bindparam("status"), others.id != bindparam("card_id"))

    def key_of(name):
        return select(others.position).where(others.id == bindparam(name, type_=Integer),
                                             *in_column).scalar_subquery()

    before_key, after_key = key_of("before_id"), key_of("after_id")
    return select(
        before_key.label("before"),
        select(func.min(others.position)).where(*in_column, others.position > before_key)
        .scalar_subquery().label("following"),
        after_key.label("after"),
        select(func.max(others.position)).where(*in_column, others.position < after_key)
        .scalar_subquery().label("preceding"),
        select(func.max(others.position)).where(*in_column).scalar_subquery().label("last"))


_NEIGHBOUR_KEYS = _neighbour_keys()


def _new_position(session, action, status, before_id, after_id):
    """A key between the wanted neighbours and their actual neighbours in column `status`."""
    keys = session.execute(_NEIGHBOUR_KEYS, {
        "team_id": action.team_id, "cycle_number": action.cycle_number, "status": status,
        "card_id": action.id, "before_id": before_id if is_id(before_id) else None,
        "after_id": after_id if is_id(after_id) else None}).one()
    return _position_from(keys)


def _position_from(keys):
    """The key for the keys read by _new_position."""
    if keys.before is not None:
        return ordering.key_between(keys.before, keys.following)
    if keys.after is not None:
        return ordering.key_between(keys.preceding, keys.after)
    # No usable neighbour: the card goes to the bottom of the column.
    return ordering.key_between(keys.last, None)


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
    for card, key in zip(cards, ordering.spread_keys(len(cards)), strict=True):
        card.position = key


# What a deleted card's log entry keeps beyond the snapshot, so that undo restores it exactly.
RESTORE_FIELDS = ("team_id", "help_since", "outcome", "outcome_reason", "carried_from_id",
                  "carry_count", "series_id", "created_at")


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
                    # A card deleted before recurring actions existed has neither in its log.
                    repeat_every=data.get("repeat_every") or 0, series_id=data.get("series_id"),
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

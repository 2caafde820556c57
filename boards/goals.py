"""Goals and ambitions, owned by the right people.

A team's members set its short-term goals; admins and the Team van teams set ambitions and
long-term goals. Every change is versioned, logged and returned as a GoalChange to publish.
"""

from sqlmodel import select

from . import events
from .access import (
    active_person,
    get_or_404,
    is_id,
    require_goal_setter,
    require_not_retired,
    require_team_writer,
)
from .catalog import COLOUR_RE
from .changes import GoalChange, lock_team
from .cycles import today_local
from .errors import N_, Invalid, NotFound
from .models import GOAL_STATUSES, HORIZONS, Ambition, Goal, Team, TeamAmbition
from .queries import team_by_slug
from .validation import check_date, check_version, clean_line, clean_text

GOAL_FIELDS = ("title", "target_date", "status")
AMBITION_FIELDS = ("title", "description", "colour", "retired")
STATUS_EVENTS = {"achieved": "goal_achieved", "retired": "goal_retired", "open": "goal_reopened"}


def _team_ambition_ids(session, team_id):
    return set(session.exec(
        select(TeamAmbition.ambition_id).where(TeamAmbition.team_id == team_id)).all())


def showing_boards(session, goal=None, ambition_id=None):
    """The slugs of the boards that show a goal (or an ambition)."""
    if goal is not None and goal.team_id is not None:
        return tuple(session.exec(select(Team.slug).where(Team.id == goal.team_id)).all())
    ambition_id = goal.ambition_id if goal is not None else ambition_id
    return tuple(session.exec(
        select(Team.slug).join(TeamAmbition, TeamAmbition.team_id == Team.id)
        .where(TeamAmbition.ambition_id == ambition_id).order_by(Team.slug)).all())


def _locked(session, model, ident):
    """The row, locked against concurrent edits (PostgreSQL) and read under that lock."""
    if not is_id(ident):
        return None
    return session.exec(select(model).where(model.id == ident).with_for_update()
                        .execution_options(populate_existing=True)).first()


def _goal_state(goal):
    return {"title": goal.title, "status": goal.status, "horizon": goal.horizon,
            "target_date": goal.target_date.isoformat() if goal.target_date else None}


def create_team_goal(session, actor_id, team_slug, *, title, horizon, parent_id=None,
                     ambition_id=None, target_date=None):
    """A short-term goal of the team under one of its long-term goals (its members), or a
    long-term goal under one of the team's ambitions (admins and the Team van teams)."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, team_slug)
    if horizon not in HORIZONS:
        raise Invalid(N_("A goal is long- or short-term."), field="horizon")
    if horizon == "short":
        require_team_writer(session, actor, team)
    else:
        require_goal_setter(session, actor)
    require_not_retired(team)
    title = clean_line(title, "title", 300)
    target_date = check_date(target_date, "target_date")
    ambitions = _team_ambition_ids(session, team.id)
    if horizon == "long":
        if parent_id is not None:
            raise Invalid(N_("A long-term goal has no parent goal."), field="parent_id")
        if ambition_id not in ambitions:
            raise Invalid(N_("Choose one of the team's ambitions."), field="ambition_id")
        return _add_goal(session, actor, ambition_id, "long", title, target_date)
    if ambition_id is not None:
        raise Invalid(N_("A short-term goal takes its ambition from its long-term goal."),
                      field="ambition_id")
    parent = session.get(Goal, parent_id) if is_id(parent_id) else None
    if parent is None or parent.horizon != "long" or parent.ambition_id not in ambitions:
        raise Invalid(N_("A short-term goal belongs to a long-term goal of one of the team's "
                         "ambitions."), field="parent_id")
    if parent.status != "open":
        raise Invalid(N_("This long-term goal is achieved or retired."), field="parent_id")
    lock_team(session, team.id)
    return _add_goal(session, actor, parent.ambition_id, "short", title, target_date,
                     parent_id=parent.id, team=team)


def create_long_goal(session, actor_id, *, ambition_id, title, target_date=None):
    """A long-term goal under an ambition (admins and the Team van teams)."""
    actor = active_person(session, actor_id)
    require_goal_setter(session, actor)
    title = clean_line(title, "title", 300)
    get_or_404(session, Ambition, ambition_id, N_("Unknown ambition."))
    target_date = check_date(target_date, "target_date")
    return _add_goal(session, actor, ambition_id, "long", title, target_date)


def _add_goal(session, actor, ambition_id, horizon, title, target_date, parent_id=None, team=None):
    ambition = session.get(Ambition, ambition_id)
    if ambition.retired:
        raise Invalid(N_("This ambition is retired."), field="ambition_id")
    goal = Goal(ambition_id=ambition_id, horizon=horizon, title=title, parent_id=parent_id,
                team_id=team.id if team else None, target_date=target_date)
    session.add(goal)
    session.flush()
    entry = events.record(session, kind="goal_created", person_id=actor.id,
                          team_id=goal.team_id, goal_id=goal.id,
                          after={**_goal_state(goal), "ambition_id": ambition_id,
                                 "parent_id": parent_id})
    change = GoalChange("goal.created", entry, ambition, goal, showing_boards(session, goal))
    session.flush()
    return change


def require_goal_editor(session, actor, goal):
    """A team's short-term goal is changed by its members (Conflict once the team is retired);
    other goals by admins and the Team van teams."""
    if goal.horizon == "short" and goal.team_id is not None:
        require_team_writer(session, actor, session.get(Team, goal.team_id))
    else:
        require_goal_setter(session, actor)


def edit_goal(session, actor_id, goal_id, *, version, fields):
    """Change a goal's title, target date or status (open, achieved, retired)."""
    if not isinstance(fields, dict) or set(fields) - set(GOAL_FIELDS):
        raise Invalid(N_("Unknown field."))
    actor = active_person(session, actor_id)
    goal = _locked(session, Goal, goal_id)
    if goal is None:
        raise NotFound(N_("Unknown goal."))
    require_goal_editor(session, actor, goal)
    check_version(goal, version)
    values = {}
    if "title" in fields:
        values["title"] = clean_line(fields["title"], "title", 300)
    if "target_date" in fields:
        values["target_date"] = check_date(fields["target_date"], "target_date")
    if "status" in fields:
        if fields["status"] not in GOAL_STATUSES:
            raise Invalid(N_("A goal is open, achieved or retired."), field="status")
        values["status"] = fields["status"]
    before = _goal_state(goal)
    changed = {k: v for k, v in values.items() if getattr(goal, k) != v}
    ambition = session.get(Ambition, goal.ambition_id)
    if not changed:
        return GoalChange("goal.changed", None, ambition, goal)
    for name, value in changed.items():
        setattr(goal, name, value)
    if "status" in changed:
        goal.achieved_on = today_local() if goal.status == "achieved" else None
    goal.version += 1
    kind = STATUS_EVENTS[goal.status] if "status" in changed else "goal_edited"
    entry = events.record(session, kind=kind, person_id=actor.id, team_id=goal.team_id,
                          goal_id=goal.id, before=before, after=_goal_state(goal))
    change = GoalChange("goal.changed", entry, ambition, goal, showing_boards(session, goal))
    session.flush()
    return change


def create_ambition(session, actor_id, *, title, description="", colour="#1f6feb"):
    """A new ambition at the end of the list (admins and the Team van teams)."""
    actor = active_person(session, actor_id)
    require_goal_setter(session, actor)
    title = clean_line(title, "title")
    description = clean_text(description, "description", 2000)
    if not isinstance(colour, str) or not COLOUR_RE.match(colour):
        raise Invalid(N_("Use a colour like #1f6feb."), field="colour")
    last = session.exec(select(Ambition.order).order_by(Ambition.order.desc())).first()
    ambition = Ambition(title=title, description=description, colour=colour,
                        order=(last if last is not None else -1) + 1)
    session.add(ambition)
    session.flush()
    entry = events.record(session, kind="ambition_created", person_id=actor.id,
                          after={"ambition_id": ambition.id, "title": title})
    change = GoalChange("ambition.changed", entry, ambition)
    session.flush()
    return change


def edit_ambition(session, actor_id, ambition_id, *, version, fields):
    """Change an ambition's title, description or colour, or retire or restore it."""
    if not isinstance(fields, dict) or set(fields) - set(AMBITION_FIELDS):
        raise Invalid(N_("Unknown field."))
    actor = active_person(session, actor_id)
    require_goal_setter(session, actor)
    ambition = _locked(session, Ambition, ambition_id)
    if ambition is None:
        raise NotFound(N_("Unknown ambition."))
    check_version(ambition, version)
    values = {}
    if "title" in fields:
        values["title"] = clean_line(fields["title"], "title")
    if "description" in fields:
        values["description"] = clean_text(fields["description"], "description", 2000)
    if "colour" in fields:
        if not isinstance(fields["colour"], str) or not COLOUR_RE.match(fields["colour"]):
            raise Invalid(N_("Use a colour like #1f6feb."), field="colour")
        values["colour"] = fields["colour"]
    if "retired" in fields:
        if not isinstance(fields["retired"], bool):
            raise Invalid(N_("Invalid request."), field="retired")
        values["retired"] = fields["retired"]
    changed = {k: v for k, v in values.items() if getattr(ambition, k) != v}
    if not changed:
        return GoalChange("ambition.changed", None, ambition)
    before = {k: getattr(ambition, k) for k in changed}
    for name, value in changed.items():
        setattr(ambition, name, value)
    ambition.version += 1
    if "retired" in changed:
        kind = "ambition_retired" if ambition.retired else "ambition_restored"
    else:
        kind = "ambition_edited"
    entry = events.record(session, kind=kind, person_id=actor.id,
                          before={**before, "ambition_id": ambition.id, "title": before.get(
                              "title", ambition.title)},
                          after={**changed, "ambition_id": ambition.id, "title": ambition.title})
    change = GoalChange("ambition.changed", entry, ambition, None,
                        showing_boards(session, ambition_id=ambition.id))
    session.flush()
    return change


def move_ambition(session, actor_id, ambition_id, *, offset):
    """Move an ambition one place up (-1) or down (+1) in the organisation's list."""
    actor = active_person(session, actor_id)
    require_goal_setter(session, actor)
    if offset not in (-1, 1):
        raise Invalid(N_("Move one place up or down."), field="offset")
    ambition = get_or_404(session, Ambition, ambition_id, N_("Unknown ambition."))
    # Every ambition's place may change: lock them all, read under the lock.
    ordered = list(session.exec(select(Ambition).order_by(Ambition.order, Ambition.id)
                                .with_for_update().execution_options(populate_existing=True)).all())
    index = ordered.index(ambition)
    target = index + offset
    if not 0 <= target < len(ordered):
        return GoalChange("ambition.changed", None, ambition)
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for order, row in enumerate(ordered):
        row.order = order
    ambition.version += 1
    entry = events.record(session, kind="ambition_moved", person_id=actor.id,
                          before={"ambition_id": ambition.id, "title": ambition.title,
                                  "position": index + 1},
                          after={"ambition_id": ambition.id, "title": ambition.title,
                                 "position": target + 1})
    change = GoalChange("ambition.changed", entry, ambition, None,
                        showing_boards(session, ambition_id=ambition.id))
    session.flush()
    return change

"""Improvement ideas: anyone signed in posts one to a team; the team discusses it, adopts it as
an action in its working cycle, parks it, declines it (with a reason the author sees) or passes
it on to another team or the Team van teams. Every change is versioned, logged and returned as
an IdeaChange to publish; nothing here commits (the write door does).
"""

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func
from sqlmodel import select

from . import actions, events
from .access import active_person, is_id, require_not_retired, require_team_writer
from .changes import Change, lock_team
from .cycles import team_cycles
from .errors import N_, Conflict, Invalid, NotFound
from .models import Event, Idea, Person, Team, utcnow
from .queries import team_by_slug
from .validation import TITLE_MAX, check_version, clean_line, clean_text

TEXT_MAX = 4000
REASON_MAX = 1000
# What a team may do with an idea in each state; adopted and declined ideas are decided.
NEXT_STATES = {
    "new": ("discussing", "adopted", "parked", "declined", "passed"),
    "discussing": ("adopted", "parked", "declined", "passed"),
    "parked": ("discussing", "adopted", "declined", "passed"),
}
STATE_EVENTS = {"discussing": "idea_discussed", "adopted": "idea_adopted",
                "parked": "idea_parked", "declined": "idea_declined", "passed": "idea_passed"}
# A reason goes with these; declining needs one.
WITH_REASON = ("parked", "declined", "passed")


@dataclass
class IdeaChange:
    """A change to an idea, with what the web layer needs to publish it."""

    kind: str  # "idea.created" or "idea.changed"
    event: Optional[Event]
    idea: Idea
    team: Team  # the team that has it now
    author: Person
    passed_from: Optional[Team] = None
    # {team slug: its number of new ideas} for every board that shows the change
    new_counts: dict = None
    action: Optional[Change] = None  # the card an adoption created

    @property
    def changes(self):
        """What the write door publishes: this change and the card an adoption created."""
        return [self] + ([self.action] if self.action is not None else [])


def new_idea_count(session, team_id):
    """How many of the team's ideas are new."""
    return session.exec(select(func.count()).select_from(Idea).where(
        Idea.team_id == team_id, Idea.state == "new")).one()


def _state(idea):
    return {"idea_id": idea.id, "title": idea.title, "state": idea.state, "team_id": idea.team_id}


def _change(session, kind, entry, idea, team, passed_from=None, action=None):
    teams = [team] + ([passed_from] if passed_from is not None else [])
    session.flush()
    return IdeaChange(kind, entry, idea, team, session.get(Person, idea.author_id), passed_from,
                      {t.slug: new_idea_count(session, t.id) for t in teams}, action)


def post_idea(session, actor_id, team_slug, *, title, text=""):
    """Post an idea to a team (anyone signed in); it starts as new."""
    actor = active_person(session, actor_id)
    team = team_by_slug(session, team_slug)
    require_not_retired(team)
    title = clean_line(title, "title", TITLE_MAX, missing=N_("A title is required."))
    text = clean_text(text, "text", TEXT_MAX)
    idea = Idea(team_id=team.id, author_id=actor.id, title=title, text=text)
    session.add(idea)
    session.flush()
    entry = events.record(session, kind="idea_posted", person_id=actor.id, team_id=team.id,
                          after=_state(idea))
    return _change(session, "idea.created", entry, idea, team)


def _locked_idea(session, idea_id):
    """The idea, read under a row lock (PostgreSQL), or NotFound."""
    idea = None
    if is_id(idea_id):
        idea = session.exec(select(Idea).where(Idea.id == idea_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if idea is None:
        raise NotFound(N_("Unknown idea."))
    return idea


def _check_version(idea, version):
    check_version(idea, version, changed=N_(
        "Someone else changed this idea just now. The page shows the current state."))


def _reason(state, reason):
    if state not in WITH_REASON:
        if reason not in (None, ""):
            raise Invalid(N_("A reason goes with parking, declining or passing on an idea."),
                          field="reason")
        return ""
    if state == "declined" and (not isinstance(reason, str) or not reason.strip()):
        raise Invalid(N_("Say why the idea is declined: its author sees the reason."),
                      field="reason")
    return clean_text(reason, "reason", REASON_MAX)


def _open_for(session, actor_id, idea_id, version, state):
    """The actor, the idea and its team, checked: the actor may decide for the team, the
    version is current and the idea may go to `state`."""
    if state not in STATE_EVENTS:
        raise Invalid(N_("Unknown state."), field="state")
    actor = active_person(session, actor_id)
    idea = _locked_idea(session, idea_id)
    team = lock_team(session, idea.team_id)
    require_team_writer(session, actor, team)
    _check_version(idea, version)
    if state not in NEXT_STATES.get(idea.state, ()):
        if idea.state in ("adopted", "declined"):
            raise Conflict(N_("This idea has been decided already."))
        raise Conflict(N_("This idea is in that state already."))
    return actor, idea, team


def _decide(session, actor, idea, team, state, reason, action=None):
    before = _state(idea)
    idea.state, idea.reason = state, reason
    idea.version += 1
    idea.updated_at = utcnow()
    after = _state(idea)
    if reason:
        after["reason"] = reason
    if action is not None:
        idea.action_id = after["action_id"] = action.action.id
    entry = events.record(session, kind=STATE_EVENTS[state], person_id=actor.id, team_id=team.id,
                          before=before, after=after)
    return _change(session, "idea.changed", entry, idea, team, action=action)


def discuss_idea(session, actor_id, idea_id, *, version):
    """Take a new or parked idea into discussion (members of its team)."""
    actor, idea, team = _open_for(session, actor_id, idea_id, version, "discussing")
    return _decide(session, actor, idea, team, "discussing", "")


def park_idea(session, actor_id, idea_id, *, version, reason=""):
    """Park an idea for later, with an optional reason."""
    actor, idea, team = _open_for(session, actor_id, idea_id, version, "parked")
    return _decide(session, actor, idea, team, "parked", _reason("parked", reason))


def decline_idea(session, actor_id, idea_id, *, version, reason):
    """Decline an idea; the reason is required, and its author sees it."""
    actor, idea, team = _open_for(session, actor_id, idea_id, version, "declined")
    return _decide(session, actor, idea, team, "declined", _reason("declined", reason))


def adopt_idea(session, actor_id, idea_id, *, version, owner_id=None, today=None):
    """Turn an idea into an action in its team's working cycle (owned by the actor unless
    `owner_id` is given): the idea keeps the action's id, the card is found from it."""
    actor, idea, team = _open_for(session, actor_id, idea_id, version, "adopted")
    cycle = team_cycles(session, team.id, today=today).working
    card = actions.add_action(session, actor.id, team.slug, title=idea.title, notes=idea.text,
                              owner_id=owner_id, cycle_number=cycle.number, today=today)
    return _decide(session, actor, idea, team, "adopted", "", action=card)


def pass_idea(session, actor_id, idea_id, *, version, team_slug, reason=""):
    """Pass an idea on to another team or the Team van teams, where it is new again."""
    actor, idea, team = _open_for(session, actor_id, idea_id, version, "passed")
    reason = _reason("passed", reason)
    try:
        target = team_by_slug(session, team_slug)
    except NotFound:
        raise Invalid(N_("Unknown team."), field="team") from None
    if target.id == team.id:
        raise Invalid(N_("Choose another team to pass the idea on to."), field="team")
    if target.retired_at is not None:
        raise Invalid(N_("This team is retired."), field="team")
    before = _state(idea)
    idea.team_id, idea.passed_from_team_id = target.id, team.id
    idea.state, idea.reason = "new", reason
    idea.version += 1
    idea.updated_at = utcnow()
    after = {**_state(idea), "from_team_id": team.id}
    if reason:
        after["reason"] = reason
    # Logged on the receiving team: its activity feed and review show the idea coming in.
    entry = events.record(session, kind="idea_passed", person_id=actor.id, team_id=target.id,
                          before=before, after=after)
    return _change(session, "idea.changed", entry, idea, target, passed_from=team)


def set_idea_state(session, actor_id, idea_id, *, state, version, reason=None, team=None,
                   owner_id=None):
    """One entry for the API and the board's buttons: the service for `state`."""
    if team is not None and state != "passed":
        raise Invalid(N_("A team is only named when passing an idea on."), field="team")
    if owner_id is not None and state != "adopted":
        raise Invalid(N_("An owner is only named when adopting an idea."), field="owner_id")
    if state == "discussing":
        _reason(state, reason)
        return discuss_idea(session, actor_id, idea_id, version=version)
    if state == "adopted":
        _reason(state, reason)
        return adopt_idea(session, actor_id, idea_id, version=version, owner_id=owner_id)
    if state == "parked":
        return park_idea(session, actor_id, idea_id, version=version, reason=reason)
    if state == "declined":
        return decline_idea(session, actor_id, idea_id, version=version, reason=reason)
    if state == "passed":
        return pass_idea(session, actor_id, idea_id, version=version, team_slug=team,
                         reason=reason)
    raise Invalid(N_("Unknown state."), field="state")

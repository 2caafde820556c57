"""Escalation, all its rules in one place.

A card that needs help shows on the Team van teams board until its escalation ends:
someone resolves it, the card is moved to done, or its cycle is closed. A card carried
over (or split) into the next cycle hands its escalation to the copy; the closed
original leaves every list. A closed cycle's cards are never escalated or answered.
"""

from sqlmodel import select

from . import events
from .access import active_person, is_member, require_not_retired
from .changes import Change, check_open, check_version, locked_action, with_card
from .errors import N_, Forbidden, Invalid
from .models import Action, Person, Team, utcnow
from .queries import make_card
from .validation import clean_text

THREAD_KINDS = ("help_requested", "help_note", "help_resolved", "help_ended", "help_taken_over")
NOTE_MAX = 1000
# Why an escalation ended without anyone resolving it.
ENDED_DONE, ENDED_CLOSED, ENDED_CARRIED = "done", "cycle_closed", "carried"


def _clear(action):
    action.needs_help, action.help_reason, action.help_since = False, "", None


def apply_help_fields(action, was_escalated):
    """After an edit: a request says what help is needed and starts the clock; no request
    means no reason or time; a finished card asks for nothing."""
    if not action.needs_help:
        _clear(action)
    elif action.status == "done":
        raise Invalid(N_("A finished action cannot ask for help."), field="needs_help")
    elif not action.help_reason:
        raise Invalid(N_("Say what help is needed."), field="help_reason")
    elif not was_escalated:
        action.help_since = utcnow()


def edit_kind(before, after):
    """The Event kind of an edit: asking for or withdrawing help is logged as such."""
    if before["needs_help"] != after["needs_help"]:
        return "help_requested" if after["needs_help"] else "help_resolved"
    return "edited"


def end_escalation(session, action, actor_id, why, **details):
    """End a card's escalation without a resolution (moved to done, cycle closed, carried)."""
    if not action.needs_help:
        return None
    reason = action.help_reason
    _clear(action)
    return events.record(session, kind="help_ended", person_id=actor_id, team_id=action.team_id,
                         action_id=action.id, before={"needs_help": True, "help_reason": reason},
                         after={"needs_help": False, "why": why, **details})


def hand_over(session, original, copy, actor_id):
    """The copy in the next cycle takes over the original's escalation; the original drops it."""
    if not original.needs_help:
        return
    copy.needs_help = True
    copy.help_reason, copy.help_since = original.help_reason, original.help_since
    session.flush()
    events.record(session, kind="help_taken_over", person_id=actor_id, team_id=copy.team_id,
                  action_id=copy.id, after={"from_action_id": original.id,
                                            "help_reason": copy.help_reason})
    end_escalation(session, original, actor_id, ENDED_CARRIED, next_action_id=copy.id)


def open_escalations(session, goals, ambitions):
    """Every card of a team in service that still needs help, longest waiting first."""
    rows = session.exec(
        select(Action, Person, Team).join(Person, Person.id == Action.owner_id)
        .join(Team, Team.id == Action.team_id)
        # A retired team's board no longer changes: its requests cannot be answered there.
        .where(Action.needs_help, Team.retired_at.is_(None))
        .order_by(Action.help_since, Action.id)).all()
    return [make_card(a, p, t, goals, ambitions) for a, p, t in rows]


def _may_answer(session, person, team):
    """Admins, the Team van teams and the card's own team take part in the thread."""
    if person.is_admin or is_member(session, person.id, team.id):
        return True
    oversight = session.exec(select(Team.id).where(Team.kind == "team_of_teams")).all()
    return any(is_member(session, person.id, team_id) for team_id in oversight)


def _open_escalation(session, actor_id, action_id):
    actor = active_person(session, actor_id)
    action, team = locked_action(session, action_id)
    if not _may_answer(session, actor, team):
        raise Forbidden(N_("Only the team and the Team of teams can answer a request for help."))
    require_not_retired(team)
    check_open(session, action.team_id, action.cycle_number)
    if not action.needs_help:
        raise Invalid(N_("This card does not need help (any more)."))
    return actor, action, team


def respond_to_help(session, actor_id, action_id, *, text):
    """Add a note to the help thread of an escalated card (the card itself is unchanged)."""
    text = clean_text(text, "text", NOTE_MAX, required=True, missing=N_("Write a note."))
    actor, action, team = _open_escalation(session, actor_id, action_id)
    entry = events.record(session, kind="help_note", person_id=actor.id, team_id=team.id,
                          action_id=action.id, after={"text": text})
    return with_card(session, Change("changed", action, team,
                                         session.get(Person, action.owner_id), entry))


def resolve_help(session, actor_id, action_id, *, version, note=""):
    """Close the escalation (with an optional last note); the card stays on its board."""
    note = clean_text(note, "text", NOTE_MAX)
    actor, action, team = _open_escalation(session, actor_id, action_id)
    check_version(action, version)
    before = events.snapshot(action)
    _clear(action)
    action.version += 1
    action.updated_at = utcnow()
    after = dict(events.snapshot(action), note=note)
    entry = events.record(session, kind="help_resolved", person_id=actor.id, team_id=team.id,
                          action_id=action.id, before=before, after=after)
    return with_card(session, Change("changed", action, team,
                                         session.get(Person, action.owner_id), entry))

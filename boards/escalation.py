"""Escalation: a card that needs help shows on the Team van teams board until resolved."""

from sqlmodel import select

from . import events
from .access import active_person, is_member
from .actions import Change, check_version, commit_change, locked_action
from .errors import N_, Forbidden, Invalid
from .models import Person, Team, utcnow

THREAD_KINDS = ("help_requested", "help_note", "help_resolved")
NOTE_MAX = 1000


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
    if not action.needs_help:
        raise Invalid(N_("This card does not need help (any more)."))
    return actor, action, team


def _clean_note(text, required):
    text = text.strip() if isinstance(text, str) else ""
    if required and not text:
        raise Invalid(N_("Write a note."), field="text")
    if len(text) > NOTE_MAX:
        raise Invalid(N_("This text is too long."), field="text")
    return text


def respond_to_help(session, actor_id, action_id, *, text):
    """Add a note to the help thread of an escalated card."""
    text = _clean_note(text, required=True)
    actor, action, team = _open_escalation(session, actor_id, action_id)
    entry = events.record(session, kind="help_note", person_id=actor.id, team_id=team.id,
                          action_id=action.id, after={"text": text})
    session.commit()
    return entry


def resolve_help(session, actor_id, action_id, *, version, note=""):
    """Close the escalation (with an optional last note); the card stays on its board."""
    note = _clean_note(note, required=False)
    actor, action, team = _open_escalation(session, actor_id, action_id)
    check_version(action, version)
    before = events.snapshot(action)
    action.needs_help, action.help_reason, action.help_since = False, "", None
    action.version += 1
    action.updated_at = utcnow()
    after = dict(events.snapshot(action), note=note)
    entry = events.record(session, kind="help_resolved", person_id=actor.id, team_id=team.id,
                          action_id=action.id, before=before, after=after)
    return commit_change(session, Change("changed", action, team,
                                         session.get(Person, action.owner_id), entry))

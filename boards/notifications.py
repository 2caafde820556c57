"""Which e-mails people get: each person's choices, who hears of a change, and the
time-based mails (reminders, digest) that the sender plans itself, once each."""

from datetime import timedelta

from sqlmodel import select

from . import events
from .access import active_person
from .cycles import cycle_number_on, cycle_of, organisation
from .errors import N_, Invalid
from .indicator_signals import SIGNAL_EVENT, signal_recipients
from .models import Action, Event, Goal, Membership, NotificationChoice, Person, Team

# A choice on the "Meldingen" page and the mail kinds it covers.
CHOICES = {
    "digest": ("digest",),
    "reminders": ("reminder_due", "overdue"),
    "help_updates": ("help_answered", "help_resolved"),
    "escalations": ("team_needs_help",),
    "indicator_signals": ("indicator_signal",),
}
CHOICE_OF = {kind: choice for choice, kinds in CHOICES.items() for kind in kinds}
# A digest is planned only in a cycle's first days: late joiners wait for the next cycle.
DIGEST_DAYS = 3


def choices_of(session, person_id):
    """The person's choices, every one on unless switched off."""
    rows = session.exec(select(NotificationChoice)
                        .where(NotificationChoice.person_id == person_id)).all()
    chosen = {row.kind: row.enabled for row in rows}
    return {choice: chosen.get(choice, True) for choice in CHOICES}


def save_choices(session, person_id, wanted):
    """Store the person's choices: `wanted` is the set of choices they want."""
    person = active_person(session, person_id)
    unknown = set(wanted) - set(CHOICES)
    if unknown:
        raise Invalid(N_("Unknown choice."), field=sorted(unknown)[0])
    for choice in CHOICES:
        row = session.get(NotificationChoice, (person.id, choice))
        if row is None:
            row = NotificationChoice(person_id=person.id, kind=choice)
            session.add(row)
        row.enabled = choice in wanted
    events.record(session, kind="notification_choices_saved", person_id=person.id,
                  after={"choices": sorted(wanted)})
    session.flush()


def set_language(session, person_id, language):
    """Remember the language a person reads (mail comes in it)."""
    person = session.get(Person, person_id)
    if person is not None and language in ("nl", "en") and person.language != language:
        events.record(session, kind="language_set", person_id=person.id,
                      before={"language": person.language}, after={"language": language})
        person.language = language
        session.flush()


def _wants(session, person_id, kind):
    person = session.get(Person, person_id)
    return person is not None and person.active and \
        choices_of(session, person_id)[CHOICE_OF[kind]]


def asker_of(session, action_id):
    """Who asked for help on this card most recently (else its owner)."""
    asked = session.exec(select(Event.person_id).where(
        Event.action_id == action_id, Event.kind == "help_requested")
        .order_by(Event.id.desc())).first()
    if asked is None:
        action = session.get(Action, action_id)
        return action.owner_id if action else None
    return asked


def mail_recipients(session, entry):
    """(person id, mail kind) for each e-mail this Event calls for; never for a card move."""
    found = []
    if entry.kind in ("help_note", "help_resolved") and entry.action_id is not None:
        asker = asker_of(session, entry.action_id)
        mail_kind = "help_answered" if entry.kind == "help_note" else "help_resolved"
        if asker is not None and asker != entry.person_id:
            found.append((asker, mail_kind))
    elif entry.kind == "help_requested":
        # The Team van teams: its members and every team's delegate to it.
        members = session.exec(
            select(Membership.person_id).join(Team, Team.id == Membership.team_id)
            .where(Team.kind == "team_of_teams")).all()
        delegates = session.exec(select(Team.delegate_id)
                                 .where(Team.delegate_id.is_not(None))).all()
        found = [(pid, "team_needs_help") for pid in sorted(set(members) | set(delegates))
                 if pid != entry.person_id]
    elif entry.kind == SIGNAL_EVENT:
        found = [(pid, "indicator_signal") for pid in signal_recipients(session, entry)]
    return [(pid, kind) for pid, kind in found if _wants(session, pid, kind)]


def previous_working_day(day):
    """The last Monday to Friday before `day`."""
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def planned_mails(session, today):
    """The time-based mails due today: (key, kind, person id, payload). The keys make
    planning them again harmless."""
    org = organisation(session)
    number = cycle_number_on(org, today)
    # Overdue mails only for deadlines of the last cycle length: the first run after
    # installing does not dig up every forgotten card.
    open_cards = session.exec(select(Action).where(
        Action.status != "done", Action.outcome.is_(None), Action.due_date.is_not(None),
        Action.due_date <= today + timedelta(days=4),
        Action.due_date >= today - timedelta(days=org.cycle_length_days))).all()
    planned = []
    for action in open_cards:
        if action.due_date < today:
            kind, key = "overdue", f"overdue:{action.id}:{action.due_date}:{action.owner_id}"
        elif previous_working_day(action.due_date) <= today:
            kind, key = "reminder_due", f"due:{action.id}:{action.due_date}:{action.owner_id}"
        else:
            continue
        if _wants(session, action.owner_id, kind):
            planned.append((key, kind, action.owner_id, {"action_id": action.id}))
    cycle = cycle_of(org, number)
    if (today - cycle.start).days < DIGEST_DAYS:
        members = session.exec(select(Membership.person_id).distinct()).all()
        for person_id in sorted(set(members)):
            if _wants(session, person_id, "digest"):
                planned.append((f"digest:{number}:{person_id}", "digest", person_id,
                                {"cycle": number}))
    return planned


def digest_for(session, person_id, number):
    """What a digest shows: my open actions in the cycle and my teams' short-term goals."""
    actions = session.exec(select(Action, Team).join(Team, Team.id == Action.team_id).where(
        Action.owner_id == person_id, Action.cycle_number == number, Action.status != "done",
        Action.outcome.is_(None)).order_by(Action.due_date, Action.id)).all()
    team_ids = session.exec(select(Membership.team_id)
                            .where(Membership.person_id == person_id)).all()
    goals = session.exec(select(Goal, Team).join(Team, Team.id == Goal.team_id).where(
        Goal.team_id.in_(team_ids), Goal.horizon == "short").order_by(Team.name, Goal.id)).all()
    return actions, goals

"""The activity log told in sentences, in the UI language: one sentence for every Event kind.

No page shows a raw event code: "Anna zette 'Bellen' van Te doen naar Mee bezig", not
"moved (todo → doing)". The admin's raw export keeps the codes with this sentence beside them.
`SENTENCES` names every kind the services in boards/ log (a test holds that).
"""

from flask_babel import gettext as _

from boards.history import logged_title, names_for, titles_then

from .indicator_history import INDICATOR_SENTENCES
from .standup_schedule import day_names

__all__ = ["SENTENCES", "describe", "described", "logged_title", "message_kinds", "names_for",
           "titles_then"]


def _columns():
    return {"todo": _("To do"), "doing": _("Doing"), "done": _("Done")}


EDITED_FIELDS = ("title", "notes", "owner_id", "goal_id", "due_date", "cycle_number",
                 "help_reason")


def _field_names():
    return {"title": _("the title"), "notes": _("the notes"), "owner_id": _("the owner"),
            "goal_id": _("the goal"), "due_date": _("the due date"),
            "cycle_number": _("the cycle"), "help_reason": _("the help needed"),
            "repeat_every": _("the repetition")}


class _Facts:
    """What one event's sentence may mention, with names looked up."""

    def __init__(self, event, names, title_then=None):
        self.event, self.names, self.title_then = event, names, title_then
        self.before = event.before if isinstance(event.before, dict) else {}
        self.after = event.after if isinstance(event.after, dict) else {}

    def get(self, key, default=""):
        """A value from after, else before."""
        value = self.after.get(key, self.before.get(key))
        return default if value is None else value

    @property
    def person(self):
        """Who did it."""
        return self.names.people.get(self.event.person_id) or _("The system")

    @property
    def card(self):
        """The card's title as it was then: as logged, else as a nearby event logged it, else
        now."""
        return (logged_title(self.event) or self.title_then
                or self.names.actions.get(self.event.action_id)
                or _("card %(id)s", id=self.event.action_id))

    @property
    def team(self):
        """The team's name."""
        return self.names.teams.get(self.event.team_id) or self.get("name") or _("the team")

    def someone(self, key="person_id"):
        """A person the event is about (not the actor)."""
        person_id = self.get(key, None)
        return self.names.people.get(person_id) or self.get("name") or _("someone")

    @property
    def goal(self):
        """The goal's title as logged (its title then), else now."""
        return self.get("title") or self.names.goals.get(self.event.goal_id) or "?"

    @property
    def ambition(self):
        """The ambition's title as logged, else now."""
        return self.get("title") or self.names.ambitions.get(self.get("ambition_id", None)) or "?"


def _edited(f):
    changed = [name for key, name in _field_names().items()
               if key in f.after and f.before.get(key) != f.after.get(key)]
    if f.before.get("owner_id") != f.after.get("owner_id") and "owner_id" in f.after:
        return _("%(person)s gave '%(card)s' to %(owner)s", person=f.person, card=f.card,
                 owner=f.names.people.get(f.after["owner_id"], "?"))
    old, new = f.before.get("title"), f.after.get("title")
    if old and new and old != new:
        others = [name for name in changed if name != _field_names()["title"]]
        if not others:
            return _("%(person)s renamed '%(old)s' to '%(new)s'", person=f.person, old=old,
                     new=new)
        return _("%(person)s renamed '%(old)s' to '%(new)s' and changed %(fields)s",
                 person=f.person, old=old, new=new, fields=", ".join(others))
    if not changed:
        return _("%(person)s edited '%(card)s'", person=f.person, card=f.card)
    return _("%(person)s changed %(fields)s of '%(card)s'", person=f.person, card=f.card,
             fields=", ".join(changed))


def _moved(f):
    columns = _columns()
    before, after = f.before.get("status"), f.after.get("status")
    if before == after:
        return _("%(person)s moved '%(card)s' within %(column)s", person=f.person, card=f.card,
                 column=columns.get(after, "?"))
    return _("%(person)s moved '%(card)s' from %(from)s to %(to)s", person=f.person,
             card=f.card, **{"from": columns.get(before, "?"), "to": columns.get(after, "?")})


def _created(f):
    if f.after.get("carried_from_id"):
        return _("%(person)s carried '%(card)s' over into cycle %(n)s", person=f.person,
                 card=f.card, n=f.get("cycle_number", "?"))
    return _("%(person)s added '%(card)s' to %(column)s", person=f.person, card=f.card,
             column=_columns().get(f.after.get("status"), _("To do")))


def _help_ended(f):
    why = f.after.get("why")
    if why == "done":
        return _("The request for help on '%(card)s' ended: the action is done", card=f.card)
    if why == "carried":
        return _("The request for help on '%(card)s' moved on with the action to the next cycle",
                 card=f.card)
    return _("The request for help on '%(card)s' ended with the cycle", card=f.card)


def _cadence(f):
    return _("%(person)s set cycles of %(days)s days, the first starting on %(start)s",
             person=f.person, days=f.after.get("cycle_length_days", "?"),
             start=f.after.get("first_cycle_start", "?"))


def _standup_schedule(f):
    if not f.after.get("time"):
        return _("%(person)s removed the stand-up time of %(team)s", person=f.person,
                 team=f.team)
    names = day_names()
    days = ", ".join(names.get(day, "?") for day in f.after.get("weekdays") or ())
    return _("%(person)s set the stand-up of %(team)s to %(days)s at %(time)s",
             person=f.person, team=f.team, days=days, time=f.after["time"])


SENTENCES = {
    "created": _created,
    "moved": _moved,
    "edited": _edited,
    "deleted": lambda f: _("%(person)s deleted '%(card)s'", person=f.person, card=f.card),
    "restored": lambda f: _("%(person)s brought back '%(card)s' after it was deleted",
                            person=f.person, card=f.card),
    "repeated": lambda f: _("%(person)s made recurring action '%(card)s' again for cycle %(n)s",
                            person=f.person, card=f.card, n=f.get("cycle_number", "?")),
    "repeat_skipped": lambda f: _("'%(card)s' was not repeated in cycle %(n)s: its owner is no "
                                  "longer in the team", card=f.card, n=f.get("cycle", "?")),
    "repeat_stopped": lambda f: _("%(person)s stopped repeating '%(card)s'", person=f.person,
                                  card=f.card),
    "carried_over": lambda f: _("%(person)s carried '%(card)s' over to the next cycle",
                                person=f.person, card=f.card),
    "dropped": lambda f: _("%(person)s dropped '%(card)s' when closing the cycle",
                           person=f.person, card=f.card),
    "split": lambda f: _("%(person)s split '%(card)s' when closing the cycle",
                         person=f.person, card=f.card),
    "help_requested": lambda f: _("%(person)s asked for help with '%(card)s': %(reason)s",
                                  person=f.person, card=f.card, reason=f.get("help_reason")),
    "help_resolved": lambda f: _("%(person)s resolved the request for help on '%(card)s'",
                                 person=f.person, card=f.card),
    "help_note": lambda f: _("%(person)s replied to the request for help on '%(card)s': "
                             "%(text)s", person=f.person, card=f.card, text=f.get("text")),
    "help_ended": _help_ended,
    "help_taken_over": lambda f: _("'%(card)s' took over the request for help of the previous "
                                   "cycle", card=f.card),
    "cycle_closed": lambda f: _("%(person)s closed cycle %(n)s for %(team)s", person=f.person,
                                n=f.get("cycle", "?"), team=f.team),
    "retrospective_saved": lambda f: _("%(person)s saved the retrospective of %(team)s",
                                       person=f.person, team=f.team),
    "standup_started": lambda f: _("%(person)s started a stand-up of %(team)s",
                                   person=f.person, team=f.team),
    "standup_schedule_set": _standup_schedule,
    "organisation_created": lambda f: _("The organisation %(name)s was set up",
                                        name=f.get("name")),
    "cadence_changed": _cadence,
    "team_created": lambda f: _("%(person)s created the team %(team)s", person=f.person,
                                team=f.team),
    "member_added": lambda f: _("%(who)s became a member of %(team)s", who=f.someone(),
                                team=f.team),
    "member_removed": lambda f: _("%(who)s is no longer a member of %(team)s", who=f.someone(),
                                  team=f.team),
    "delegate_set": lambda f: _("%(who)s became the delegate of %(team)s to the Team of teams",
                                who=f.someone("delegate_id"), team=f.team),
    "person_edited": lambda f: _("%(person)s changed the details of %(who)s", person=f.person,
                                 who=f.someone()),
    "person_anonymised": lambda f: _("%(person)s anonymised a former employee, now %(who)s",
                                     person=f.person, who=f.someone()),
    "person_linked": lambda f: _("%(who)s signed in through the organisation's account for the "
                                 "first time", who=f.someone()),
    "break_glass_set": lambda f: (
        _("%(who)s may log in with a password when sign-in through the organisation is down",
          who=f.someone()) if f.after.get("break_glass")
        else _("%(who)s no longer logs in with a password when sign-in through the organisation "
               "is off", who=f.someone())),
    "password_changed": lambda f: _("%(who)s changed their password", who=f.someone()),
    "password_link_created": lambda f: _("%(person)s made a one-time password link for %(who)s",
                                         person=f.person, who=f.someone()),
    "password_set_by_link": lambda f: _("%(who)s chose a password through a one-time link",
                                        who=f.someone()),
    "token_revoked": lambda f: _("%(person)s revoked an API token", person=f.person),
    "organisation_renamed": lambda f: _("%(person)s renamed the organisation to %(name)s",
                                        person=f.person, name=f.after.get("name", "?")),
    "brand_colour_set": lambda f: (
        _("%(person)s set the organisation's main colour to %(colour)s", person=f.person,
          colour=f.after["brand_colour"]) if f.after.get("brand_colour")
        else _("%(person)s went back to the app's own colours", person=f.person)),
    "logo_set": lambda f: _("%(person)s uploaded a new logo of the organisation",
                            person=f.person),
    "logo_removed": lambda f: _("%(person)s removed the logo of the organisation",
                                person=f.person),
    "municipality_added": lambda f: _("%(person)s added the municipality %(name)s",
                                      person=f.person, name=f.get("name")),
    "municipality_removed": lambda f: _("%(person)s removed the municipality %(name)s",
                                        person=f.person, name=f.get("name")),
    "team_edited": lambda f: _("%(person)s changed the team %(team)s", person=f.person,
                               team=f.team),
    "scim_user_created": lambda f: _("The directory registered %(who)s", who=f.someone()),
    "scim_user_replaced": lambda f: _("The directory updated the details of %(who)s",
                                      who=f.someone()),
    "scim_user_deleted": lambda f: _("The directory removed the account of %(who)s",
                                     who=f.someone()),
    "scim_user_restored": lambda f: _("The directory brought back the account of %(who)s",
                                      who=f.someone()),
    "scim_group_created": lambda f: _("The directory created the team %(team)s", team=f.team),
    "scim_group_replaced": lambda f: _("The directory changed the team %(team)s", team=f.team),
    "scim_group_deleted": lambda f: _("The directory retired the team %(team)s", team=f.team),
    "calendar_link_created": lambda f: _("%(person)s made a new calendar link",
                                         person=f.person),
    "calendar_link_revoked": lambda f: _("%(person)s stopped their calendar link",
                                         person=f.person),
    "notification_choices_saved": lambda f: _("%(person)s chose which e-mails to receive",
                                              person=f.person),
    "language_set": lambda f: _("%(person)s switched the language", person=f.person),
    "webhook_created": lambda f: _("%(person)s added a webhook to %(url)s", person=f.person,
                                   url=f.get("url")),
    "webhook_deleted": lambda f: _("%(person)s removed a webhook", person=f.person),
    "person_created": lambda f: _("%(person)s registered %(who)s", person=f.person,
                                  who=f.someone()),
    "person_enabled": lambda f: _("%(person)s enabled the account of %(who)s", person=f.person,
                                  who=f.someone()),
    "person_disabled": lambda f: _("%(person)s disabled the account of %(who)s",
                                   person=f.person, who=f.someone()),
    "display_created": lambda f: _("%(person)s made a wall-screen link '%(label)s'",
                                   person=f.person, label=f.get("label")),
    "display_revoked": lambda f: _("%(person)s revoked a wall-screen link", person=f.person),
    "ambition_created": lambda f: _("%(person)s added the ambition '%(ambition)s'",
                                    person=f.person, ambition=f.ambition),
    "ambition_edited": lambda f: _("%(person)s edited the ambition '%(ambition)s'",
                                   person=f.person, ambition=f.ambition),
    "ambition_moved": lambda f: _("%(person)s moved the ambition '%(ambition)s' to place %(n)s",
                                  person=f.person, ambition=f.ambition,
                                  n=f.after.get("position", "?")),
    "ambition_retired": lambda f: _("%(person)s retired the ambition '%(ambition)s'",
                                    person=f.person, ambition=f.ambition),
    "ambition_restored": lambda f: _("%(person)s restored the ambition '%(ambition)s'",
                                     person=f.person, ambition=f.ambition),
    "goal_created": lambda f: (
        _("%(person)s set the short-term goal '%(goal)s'", person=f.person, goal=f.goal)
        if f.get("horizon") == "short" else
        _("%(person)s set the long-term goal '%(goal)s'", person=f.person, goal=f.goal)),
    "goal_edited": lambda f: _("%(person)s edited the goal '%(goal)s'", person=f.person,
                               goal=f.goal),
    "goal_achieved": lambda f: _("%(person)s marked the goal '%(goal)s' achieved",
                                 person=f.person, goal=f.goal),
    "goal_retired": lambda f: _("%(person)s retired the goal '%(goal)s'", person=f.person,
                                goal=f.goal),
    "goal_reopened": lambda f: _("%(person)s reopened the goal '%(goal)s'", person=f.person,
                                 goal=f.goal),
    **INDICATOR_SENTENCES,

    "idea_posted": lambda f: _("%(person)s posted the idea '%(idea)s'", person=f.person,
                               idea=f.get("title", "?")),
    "idea_discussed": lambda f: _("%(person)s took the idea '%(idea)s' into discussion",
                                  person=f.person, idea=f.get("title", "?")),
    "idea_adopted": lambda f: _("%(person)s turned the idea '%(idea)s' into an action",
                                person=f.person, idea=f.get("title", "?")),
    "idea_parked": lambda f: _("%(person)s parked the idea '%(idea)s'", person=f.person,
                               idea=f.get("title", "?")),
    "idea_declined": lambda f: _("%(person)s declined the idea '%(idea)s': %(reason)s",
                                 person=f.person, idea=f.get("title", "?"),
                                 reason=f.get("reason")),
    "idea_passed": lambda f: _("%(person)s passed the idea '%(idea)s' on to %(team)s",
                               person=f.person, idea=f.get("title", "?"), team=f.team),
}


def message_kinds():
    """What the outbox and the webhook form call each kind: the card events a webhook may
    subscribe to and the kinds of e-mail, in the UI language (the code stays for admins)."""
    return {
        "created": _("Card added"), "edited": _("Card edited"), "moved": _("Card moved"),
        "deleted": _("Card deleted"), "restored": _("Card brought back"),
        "carried_over": _("Carried over"), "dropped": _("Dropped"), "split": _("Split"),
        "help_requested": _("Help asked for"),
        "help_note": _("Reply to a request for help"),
        "help_resolved": _("Request for help resolved"),
        "help_ended": _("Request for help ended"),
        "help_taken_over": _("Request for help taken over"),
        "help_answered": _("Request for help answered"),
        "digest": _("Digest at the start of a cycle"), "reminder_due": _("Deadline reminder"),
        "overdue": _("Overdue"), "team_needs_help": _("A team needs help"),
        "indicator_signal": _("Signal in an indicator"),
        "indicator.signal": _("Signal in an indicator"),
    }


def describe(event, names, title_then=None):
    """The event as one sentence in the UI language (a kind without its own: a plain one)."""
    facts = _Facts(event, names, title_then)
    tell = SENTENCES.get(event.kind)
    if tell is None:
        if event.action_id:
            return _("%(person)s changed '%(card)s'", person=facts.person, card=facts.card)
        return _("%(person)s made a change", person=facts.person)
    return tell(facts)


def described(session, events):
    """[(event, sentence)] for a batch of events, names read once."""
    events = list(events)
    names = names_for(session, events)
    then = titles_then(events)
    return [(event, describe(event, names, then.get(event.id))) for event in events]

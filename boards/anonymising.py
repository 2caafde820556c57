"""Anonymising a leaver: their name and e-mail replaced by "Oud-medewerker <n>" in every store."""

import re

from sqlalchemy import delete, func, or_
from sqlmodel import select

from . import events
from .access import active_person, get_or_404, require_admin
from .errors import N_, Conflict
from .models import Event, Outbox, Person, SecurityEvent, utcnow

PSEUDONYM = "Oud-medewerker {n}"
PSEUDONYM_EMAIL = "oud-medewerker-{n}@anoniem.example"


def anonymise_person(session, actor_id, person_id):
    """Replace a disabled leaver's name and e-mail by "Oud-medewerker <n>" everywhere: the
    activity log, the security log and the outbox included; the logs keep their rows and shape."""
    require_admin(active_person(session, actor_id))
    person = get_or_404(session, Person, person_id, N_("Unknown person."))
    if person.active:
        raise Conflict(N_("Disable the account before anonymising it."))
    if person.anonymised_at is not None:
        return person
    number = session.exec(select(func.count()).select_from(Person)
                          .where(Person.anonymised_at.is_not(None))).one() + 1
    while session.exec(select(Person.id).where(
            Person.email == PSEUDONYM_EMAIL.format(n=number))).first() is not None:
        number += 1
    pseudonym, address = PSEUDONYM.format(n=number), PSEUDONYM_EMAIL.format(n=number)
    traces = {}
    # Earlier names and addresses too: the log remembers what the person was called before.
    for name, email, other in [(person.name, person.email, (person.user_name, person.external_id)),
                               *_former(session, person.id)]:
        traces.setdefault(name, pseudonym)
        for value in (email, *other):
            traces.setdefault(value, address)
    traces.pop(None, None)
    _scrub_log(session, traces)
    _scrub_security_log(session, person.id, traces, address)
    _scrub_outbox(session, person.id, traces)
    person.name, person.email = pseudonym, address
    person.user_name = person.external_id = person.home_office = person.password_hash = None
    # Without the provider's id a returning sign-in cannot reach the pseudonymous account either.
    person.oidc_issuer = person.oidc_subject = None
    person.anonymised_at = utcnow()
    events.record(session, kind="person_anonymised", person_id=actor_id,
                  after={"person_id": person.id, "name": person.name})
    session.flush()
    return person


def _former(session, person_id):
    """(name, e-mail, (userName, externalId)) the log recorded for this person over time."""
    found = []
    for event in session.exec(select(Event)).all():
        for data in (event.before, event.after):
            if isinstance(data, dict) and data.get("person_id") == person_id:
                found.append((data.get("name"), data.get("email"),
                              (data.get("user_name"), data.get("external_id"))))
    return found


def _scrub_log(session, traces):
    """Rewrite every logged value that carries one of the traces (the log's only edit)."""
    for event in session.exec(select(Event)).all():
        for side in ("before", "after"):
            data = getattr(event, side)
            if data:
                scrubbed = scrub(data, traces)
                if scrubbed != data:
                    setattr(event, side, scrubbed)


def _scrub_security_log(session, person_id, traces, address):
    """Their rows, and rows of anyone who typed one of their addresses (a failed login), carry
    the pseudonymous address; names and addresses in the details go too."""
    emails = [value.lower() for value in traces if "@" in value]
    for row in session.exec(select(SecurityEvent).where(or_(
            SecurityEvent.person_id == person_id,
            func.lower(SecurityEvent.email).in_(emails)))).all():
        row.email = address
    wanted = {t.replace("@", "%40") for t in emails} | {t for t in traces if len(t) >= 4}
    for row in session.exec(select(SecurityEvent).where(or_(
            *(SecurityEvent.detail.ilike(f"%{_literal(t)}%", escape="\\") for t in wanted)))):
        row.detail = scrub(row.detail, traces)[:500]


def _scrub_outbox(session, person_id, traces):
    """Mail still waiting for them is dropped (its address is gone); what waits for others, and
    what went out, shows the pseudonym."""
    session.exec(delete(Outbox).where(Outbox.person_id == person_id, Outbox.channel == "mail",
                                      Outbox.state == "pending"))
    for row in session.exec(select(Outbox)).all():
        payload = scrub(row.payload, traces)
        if payload != row.payload:
            row.payload = payload
        row.last_error = scrub(row.last_error, traces)[:1000]


def _literal(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scrub(value, traces):
    """The value with every trace (a name or address) replaced by its stand-in."""
    if isinstance(value, str):
        for old, new in traces.items():
            if value == old:
                return new
            if "@" in old:
                # Inside text only a whole address: one can be the tail of another (bert@ in
                # abert@), and %40 is how a URL in a log detail spells the @.
                for spelled in {old, old.replace("@", "%40")}:
                    value = re.sub(rf"(?<![\w.+%-]){re.escape(spelled)}(?![\w-]|\.\w)",
                                   lambda _match, new=new: new, value, flags=re.IGNORECASE)
            elif len(old) >= 4:
                # Names too short would hit unrelated words.
                value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {key: scrub(item, traces) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, traces) for item in value]
    return value

"""Who an OpenID Connect sign-in is: matched by issuer + subject, linked by e-mail only once."""

from urllib.parse import urlsplit

from sqlmodel import select

from . import events
from .access import require_admin
from .errors import N_, Forbidden, Invalid
from .models import Person
from .people import create_person, normalise_email

# Entra ID puts the directory's own addresses in `email`/`preferred_username`, verified or not
# by the provider's flag: a tenant-specific issuer is trusted for its addresses.
ENTRA_HOST = "login.microsoftonline.com"


class Refused(Forbidden):
    """The provider's account may not sign in here (403): unknown, disabled, or ambiguous."""

    code = "sign_in_refused"


def is_entra(issuer):
    """True for a Microsoft Entra ID tenant's issuer."""
    return urlsplit(issuer or "").hostname == ENTRA_HOST


def trusted_email(issuer, claims):
    """The e-mail address the provider vouches for, or None."""
    email = claims.get("email")
    if not email and is_entra(issuer):
        email = claims.get("preferred_username")
    if not isinstance(email, str) or not (claims.get("email_verified") is True or is_entra(issuer)):
        return None
    try:
        return normalise_email(email)
    except Invalid:
        return None


def person_for_sign_in(session, issuer, claims, *, auto_create=False):
    """The active person this provider account is; links or creates them when allowed."""
    subject = claims.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not subject \
            or len(subject) > 255 or len(issuer) > 500:
        raise Refused(N_("The sign-in service sent no usable account."))
    person = session.exec(select(Person).where(Person.oidc_issuer == issuer,
                                               Person.oidc_subject == subject)).first()
    if person is None:
        person = _link_or_create(session, issuer, subject, claims, auto_create)
    if not person.active:
        raise Refused(N_("Your account is disabled. Ask an administrator."))
    return person


def _link_or_create(session, issuer, subject, claims, auto_create):
    email = trusted_email(issuer, claims)
    person = session.exec(select(Person).where(Person.email == email)).first() if email else None
    if person is not None and person.oidc_subject is not None:
        # Linking happens once: a second provider account with the same address is not the person.
        raise Refused(N_("Your account here is linked to another sign-in account. "
                         "Ask an administrator."))
    if person is None:
        if not (auto_create and email):
            raise Refused(N_("You do not have an account here yet. "
                             "Ask an administrator to add you."))
        name = claims.get("name") if isinstance(claims.get("name"), str) else ""
        person = create_person(session, name=name.strip()[:200] or email, email=email)
    person.oidc_issuer, person.oidc_subject = issuer, subject
    events.record(session, kind="person_linked", person_id=person.id,
                  after={"person_id": person.id, "issuer": issuer})
    session.flush()
    return person


def set_break_glass(session, email, on):
    """Mark an admin who may log in with a password while password login is off (LOCAL_LOGIN=0)."""
    person = session.exec(select(Person).where(Person.email == normalise_email(email))).first()
    if person is None:
        raise Invalid(N_("Unknown person."), field="email")
    require_admin(person)
    before = person.break_glass
    person.break_glass = bool(on)
    events.record(session, kind="break_glass_set", person_id=None,
                  before={"person_id": person.id, "break_glass": before},
                  after={"person_id": person.id, "break_glass": person.break_glass})
    session.flush()
    return person


def may_use_password(person, local_login):
    """With password login off, only break-glass admins may still use a password."""
    return local_login or (person.is_admin and person.break_glass)

"""Every key a person holds: browser logins, API tokens and calendar feed links.

A new password (changed, set through a link) or an admin's reset ends all of them at once:
whoever took over the account keeps no way back in. The web layer closes the person's open
sockets after the commit (room `person:<id>`).
"""

import sqlalchemy as sa

from .models import ApiToken, CalendarFeed, LoginSession, utcnow
from .people import token_hash


def end_every_key(session, person_id, *, keep_login=None, now=None):
    """End the person's browser logins (all but `keep_login`, a login key), revoke their API
    tokens and calendar feed links. Three statements, whatever the person holds."""
    now = now or utcnow()
    logins = sa.update(LoginSession).where(LoginSession.person_id == person_id,
                                           LoginSession.ended_at.is_(None))
    if keep_login:
        logins = logins.where(LoginSession.key_hash != token_hash(keep_login))
    session.execute(logins.values(ended_at=now))
    session.execute(sa.update(ApiToken).where(ApiToken.person_id == person_id,
                                              ApiToken.revoked.is_(False)).values(revoked=True))
    session.execute(sa.update(CalendarFeed).where(CalendarFeed.person_id == person_id,
                                                  CalendarFeed.revoked.is_(False))
                    .values(revoked=True))

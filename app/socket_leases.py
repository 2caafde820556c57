"""How long a socket may stay open: as long as the browser login or bearer token it came with.

A socket keeps the copy of the session it connected with, so a login that ends by itself (idle
or too old) would not end its socket. Each socket of this process therefore holds a Lease: whose
it is, when its login or token ends and (a browser login) when it was last used: the connecting
request or a handled event. Every event checks the lease in memory (app/socket_guard.py); every
SOCKET_SESSION_CHECK_SECONDS a background task also asks the database whether the logins and
tokens still work (logout elsewhere, a disabled account, a revoked token). A socket whose time is
up gets `session.ended` (so the page can say why) and is disconnected.
"""

from dataclasses import dataclass

from boards import people

from . import database
from .clock import now

ENDED_EVENT = "session.ended"


@dataclass
class Lease:
    """What a socket connected with, and until when it may stay (times in epoch seconds)."""

    person_id: int | None = None
    login_key: str | None = None  # a browser login
    token_hash: str | None = None  # a bearer token
    token_id: int | None = None  # the same token's row (its room `token:<id>`)
    ends: float | None = None  # the login's absolute end, or the token's expiry
    seen: float = 0.0  # a browser login's last use
    flood_keys: tuple = ()  # what a flood from this socket puts in the cool-down

    def expired(self, moment, idle):
        """True past the end, or (a browser login) after `idle` seconds without use."""
        if self.ends is not None and moment >= self.ends:
            return True
        return self.login_key is not None and moment - self.seen >= idle


def end_socket(server, sid, reason):
    """Tell this process's socket why it ends, then disconnect it."""
    server.emit(ENDED_EVENT, {"reason": reason}, to=sid, namespace="/", ignore_queue=True)
    server.disconnect(sid, namespace="/", ignore_queue=True)


class Leases:
    """This process's sockets and their leases, by Socket.IO sid."""

    def __init__(self, app):
        self.app = app
        self.by_sid = {}
        self.idle = app.config["SESSION_IDLE_MINUTES"] * 60
        self.period = app.config["SOCKET_SESSION_CHECK_SECONDS"]
        self.checking = False

    def add(self, server, sid, lease):
        """Hold a new socket's lease; the first one starts this process's periodic check."""
        self.by_sid[sid] = lease
        if not self.checking:
            self.checking = True
            server.start_background_task(self._check_forever, server)

    def drop(self, sid):
        """Forget a socket that is gone."""
        self.by_sid.pop(sid, None)

    def flood_keys(self, sid):
        """The cool-down keys of a socket (none for an unknown one)."""
        lease = self.by_sid.get(sid)
        return lease.flood_keys if lease else ()

    def touch(self, sid):
        """False when the socket's lease has run out; otherwise note its use."""
        lease = self.by_sid.get(sid)
        if lease is None:
            return True
        moment = now(self.app).timestamp()
        if lease.expired(moment, self.idle):
            return False
        lease.seen = moment
        return True

    def _check_forever(self, server):
        while True:
            server.sleep(self.period)
            try:
                with self.app.app_context():
                    for sid, reason in self.ended(server):
                        end_socket(server, sid, reason)
            except Exception as error:  # noqa: BLE001  (the next round tries again)
                # One line, no traceback: a lasting fault repeats it every round.
                self.app.logger.error("socket session check failed: %r", error)

    def ended(self, server):
        """(sid, reason) for each socket whose lease has run out ("expired") or whose login or
        token no longer works ("ended"); one query for the logins and one for the tokens."""
        moment = now(self.app)
        stamp, gone, rest = moment.timestamp(), [], []
        for sid, lease in list(self.by_sid.items()):
            if not server.manager.is_connected(sid, "/"):
                self.drop(sid)  # its disconnect was missed: nothing to end
            elif lease.expired(stamp, self.idle):
                gone.append((sid, "expired"))
            elif lease.login_key or lease.token_hash:
                rest.append((sid, lease))
        if not rest:
            return gone
        reader = database.reader()
        logins = people.ended_logins(reader, {lease.login_key for _sid, lease in rest
                                              if lease.login_key})
        tokens = people.ended_tokens(reader, {lease.token_hash for _sid, lease in rest
                                              if lease.token_hash}, now=moment)
        return gone + [(sid, "ended") for sid, lease in rest
                       if lease.login_key in logins or lease.token_hash in tokens]

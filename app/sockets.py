"""Socket.IO glue: authenticate on connect, authorise every event, call a service, ack."""

from datetime import timedelta

import socketio as python_socketio
from flask import current_app, request, session
from flask_babel import gettext
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from boards import actions, displays, people
from boards.access import active_person
from boards.errors import N_, DomainError, Forbidden, Invalid
from boards.queries import team_by_slug

from . import database
from .clock import now
from .extensions import socketio
from .i18n import translate_error
from .live import log_position_now
from .login_session import SEEN
from .security_log import log_security
from .serializers import card_json
from .socket_guard import CoolDown, GuardedNamespace
from .socket_leases import Lease, Leases
from .socket_limits import SocketLimits
from .socket_rooms import ROOMS, RoomKicks
from .socket_session import keep_socket_session
from .writes import write

SOCKET_PERSON = "socket_person_id"
SOCKET_DISPLAY = "socket_display"
READ_ONLY = N_("This screen is read-only.")
LEASES, COOL_DOWN = "verbeterbord.socket_leases", "verbeterbord.socket_cool_down"
LIMITS = "verbeterbord.socket_limits"


def init_app(app, socketio_ext):
    """Bind Flask-SocketIO with an explicit async mode and the allowed origins, and serve the
    default namespace with BoardNamespace."""
    queue = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    channel = app.config.get("SOCKETIO_CHANNEL") or "socketio"
    options = {"async_mode": app.config["SOCKETIO_ASYNC_MODE"],
               "cors_allowed_origins": app.config["ALLOWED_ORIGINS"] or None,
               "ping_interval": 10, "ping_timeout": 10}
    if queue:
        # Installations (or benchmarks) sharing one Redis keep apart by channel.
        options["client_manager"] = python_socketio.RedisManager(queue, channel=channel)
    else:
        # The extension is one object per process and keeps its options from app to app.
        socketio_ext.server_options.pop("client_manager", None)
    socketio_ext.init_app(app, **options)
    leases = app.extensions[LEASES] = Leases(app)
    cool_down = app.extensions[COOL_DOWN] = CoolDown(app.config["SOCKET_FLOOD_COOLDOWN"])
    app.extensions[LIMITS] = SocketLimits(app)
    # Registered on this app's server only (the extension has one), with this app's state.
    socketio_ext.on_namespace(BoardNamespace("/", app, leases, cool_down))
    app.extensions[ROOMS] = RoomKicks(app, socketio_ext.server, queue, channel)


def _person_id():
    return session.get(SOCKET_PERSON)


def _refusal(error):
    if isinstance(error, Forbidden):
        log_security("forbidden", "refused", person_id=_person_id(), method="socket",
                     detail=f"socket {getattr(request, 'event', {}).get('message', '')}")
    return {"ok": False, "error": error.code, "message": translate_error(error.message)}


def on_connect(auth):
    """Only a logged-in browser session, a valid bearer token or a display link may connect;
    not while its person, token or address cools down after a flood, not too often from one
    address, and not beyond the sockets a person, token or display link may hold."""
    if auth is not None and not isinstance(auth, dict):
        raise ConnectionRefusedError("unauthorized")
    auth = auth or {}
    token, display = auth.get("token"), auth.get("display")
    if token is not None and not isinstance(token, str):
        raise ConnectionRefusedError("unauthorized")
    current_app.extensions[ROOMS].start()
    _refuse_too_many_connects()
    if display is not None:
        keys = (f"display:{people.token_hash(str(display))}", f"address:{request.remote_addr}")
        _refuse_while_cooling(keys)
        return _connect_display(display, keys)
    if token:
        _refuse_while_cooling([f"token:{people.token_hash(token)}"])
        lease = _token_lease(token)
    else:
        _refuse_while_cooling([f"person:{_cookie_person()}"])
        lease = _login_lease()
    _refuse_while_cooling([f"person:{lease.person_id}"])
    _claim_socket(person_id=lease.person_id, token=lease.token_hash)
    session[SOCKET_PERSON] = lease.person_id
    join_room(f"person:{lease.person_id}")
    if lease.login_key:
        join_room(f"login:{lease.login_key}")
    if lease.token_id:
        join_room(f"token:{lease.token_id}")
    current_app.extensions[LEASES].add(socketio.server, request.sid, lease)


def on_disconnect(*_reason):
    """A socket that is gone holds no lease and no longer counts."""
    current_app.extensions[LEASES].drop(request.sid)
    current_app.extensions[LIMITS].release(request.sid)


def _refused(code, seconds, message):
    return ConnectionRefusedError(code, {"retry_after": seconds, "message": message})


def _refuse_too_many_connects():
    """Refuse a connect beyond SOCKET_CONNECT_LIMIT_ADDRESS from this client address."""
    wait = current_app.extensions[LIMITS].connect_wait(request.remote_addr)
    if wait:
        raise _refused("rate_limited", wait, gettext(
            "Too many connections from your network; trying again in %(seconds)s seconds.",
            seconds=wait))


def _claim_socket(**holder):
    """Count this socket for its person, token or display link, or refuse it: the last
    check of the connect, so that a refusal afterwards leaves nothing counted."""
    limits = current_app.extensions[LIMITS]
    if not limits.claim(socketio.server, request.sid, **holder):
        raise _refused("too_many_sockets", limits.retry, gettext(
            "You have too many connections open. Close a few tabs or windows; "
            "trying again in %(seconds)s seconds.", seconds=limits.retry))


def _refuse_while_cooling(keys):
    """Refuse a connection whose person, token or address was cut off for flooding a moment
    ago (in memory: before any database lookup)."""
    left = current_app.extensions[COOL_DOWN].left(keys)
    if left:
        raise _refused("rate_limited", left, gettext(
            "Too many messages; try again in %(seconds)s seconds.", seconds=left))


def _cookie_person():
    """The person id the session cookie names (signed, not yet checked against the database)."""
    return str(session.get("_user_id") or "").partition(".")[0]


def _connect_display(display, keys):
    found = displays.display_for_token(database.reader(), display)
    if found is None:
        raise ConnectionRefusedError("unauthorized")
    link, team = found
    _claim_socket(display=people.token_hash(display))
    session[SOCKET_DISPLAY] = {"id": link.id, "board": team.slug if team else None}
    join_room(f"display:{link.id}")
    current_app.extensions[LEASES].add(socketio.server, request.sid, Lease(flood_keys=keys))


def _token_lease(token):
    """A bearer token's socket lasts until the token expires (or is revoked)."""
    found = people.token_for_bearer(database.reader(), token, now=now())
    if found is None:
        raise ConnectionRefusedError("unauthorized")
    digest, person_id = people.token_hash(token), found[1].id
    return Lease(person_id=person_id, token_hash=digest, token_id=found[0].id,
                 ends=people.aware(found[0].expires_at).timestamp(),
                 flood_keys=(f"token:{digest}", f"person:{person_id}"))


def _login_lease():
    """A browser login's socket lasts until the login's absolute end, or its idle time after
    the last use (the last HTTP request, which the cookie carries, or a handled event)."""
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("unauthorized")
    moment, key = now().timestamp(), session.get("login_key")
    started = people.login_started(database.reader(), key)
    max_age = timedelta(days=current_app.config["SESSION_MAX_DAYS"]).total_seconds()
    seen = session.get(SEEN)
    return Lease(person_id=current_user.id, login_key=key,
                 ends=started.timestamp() + max_age if started else moment,
                 seen=seen if isinstance(seen, (int, float)) else moment,
                 flood_keys=(f"person:{current_user.id}",))


def on_join(data=None, *_extra):
    """Join a board's, the overview's or one's own room; everyone logged in may read."""
    try:
        if not isinstance(data, dict):
            raise Invalid("Invalid request.")
        if SOCKET_DISPLAY in session:
            return _join_display(data)
        active_person(database.reader(), _person_id())
        if isinstance(data.get("board"), str):
            team_by_slug(database.reader(), data["board"])
            join_room(f"board:{data['board']}")
        elif data.get("overview") is True:
            join_room("overview")
        elif data.get("me") is True:
            join_room(f"user:{_person_id()}")
        else:
            raise Invalid("Invalid request.")
    except DomainError as error:
        return _refusal(error)
    return _joined()


def _joined():
    # Read after joining: a change from now on reaches the socket, an earlier one is counted.
    return {"ok": True, "seq": log_position_now()}


def _join_display(data):
    """A wall screen may only join the board or overview its link was made for."""
    display = session[SOCKET_DISPLAY]
    if display["board"] is not None and data.get("board") == display["board"]:
        join_room(f"board:{display['board']}")
    elif display["board"] is None and data.get("overview") is True:
        join_room("overview")
    else:
        raise Forbidden(READ_ONLY)
    return _joined()


def _int_or_none(value, field):
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63:
        return value
    raise Invalid("Invalid request.", field=field)


def on_move(data=None, *_extra):
    """Move a card through the one write path, publish the change, ack with the result."""
    try:
        if SOCKET_DISPLAY in session:
            raise Forbidden(READ_ONLY)
        if not isinstance(data, dict):
            raise Invalid("Invalid request.")
        change = write(actions.move_action, _person_id(),
                       _int_or_none(data.get("action_id"), "action_id"),
                       status=data.get("status"), version=data.get("version"),
                       before_id=_int_or_none(data.get("before_id"), "before_id"),
                       after_id=_int_or_none(data.get("after_id"), "after_id"),
                       op_id=data.get("op_id"))
    except DomainError as error:
        return _refusal(error)
    except Exception:  # never leave a client without an answer
        current_app.logger.exception("move failed for %s", request.sid)
        return {"ok": False, "error": "server_error", "message": translate_error(
            "Something went wrong; the board is reloaded.")}
    return {"ok": True, "action": card_json(change.card)}


class BoardNamespace(GuardedNamespace):
    """The default namespace (docs/protocol.md): each event passes the guard, then its handler."""

    def on_connect(self, auth=None):
        """See on_connect above; an accepted socket's events use its own session copy."""
        accepted = on_connect(auth)
        keep_socket_session()
        return accepted

    def on_disconnect(self, *reason):
        """See on_disconnect above."""
        return on_disconnect(*reason)

    def on_join(self, data=None, *extra):
        """See on_join above."""
        return on_join(data, *extra)

    def on_move(self, data=None, *extra):
        """See on_move above."""
        return on_move(data, *extra)

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
from .auth import SEEN, now
from .extensions import socketio
from .i18n import translate_error
from .live import log_position_now
from .security_log import log_security
from .serializers import card_json
from .socket_guard import CoolDown, guard_events
from .socket_leases import ENDED_EVENT, Lease, Leases
from .writes import write

SOCKET_PERSON = "socket_person_id"
SOCKET_DISPLAY = "socket_display"
READ_ONLY = N_("This screen is read-only.")
LEASES, COOL_DOWN = "verbeterbord.socket_leases", "verbeterbord.socket_cool_down"
# Closing these rooms ends a login or token (logout, a disabled account, a new password, a
# revoked token): its sockets hear `session.ended` first. A display link's room closes without
# it (nobody logs in there).
_LOGIN_ROOMS = ("login:", "person:", "token:")


class _KickRooms:
    """Closing a room disconnects its sockets, on every server process."""

    def _handle_close_room(self, message):
        disconnect_local(self.server, message.get("room"), message.get("namespace") or "/")
        super()._handle_close_room(message)


class KickingRedisManager(_KickRooms, python_socketio.RedisManager):
    """Redis message queue whose close_room also disconnects the room's sockets."""


def disconnect_local(server, room, namespace="/"):
    """Disconnect this process's sockets in a room (a login's: saying that the login ended)."""
    for sid, _eio_sid in list(server.manager.get_participants(namespace, room)):
        if room and room.startswith(_LOGIN_ROOMS):
            server.emit(ENDED_EVENT, {"reason": "ended"}, to=sid, namespace=namespace,
                        ignore_queue=True)
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


def close_token_sockets(token_id):
    """A revoked token's sockets go at once, on every process."""
    disconnect_room(f"token:{token_id}")


def disconnect_room(room):
    """Disconnect every socket in a room, across all server processes."""
    server = socketio.server
    if server is None:
        return
    disconnect_local(server, room)
    server.manager.close_room(room, "/")


def init_app(app, socketio_ext):
    """Bind Flask-SocketIO with an explicit async mode and the allowed origins."""
    queue = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    options = {"async_mode": app.config["SOCKETIO_ASYNC_MODE"],
               "cors_allowed_origins": app.config["ALLOWED_ORIGINS"] or None,
               "ping_interval": 10, "ping_timeout": 10}
    if queue:
        # Installations (or benchmarks) sharing one Redis keep apart by channel.
        options["client_manager"] = KickingRedisManager(
            queue, channel=app.config.get("SOCKETIO_CHANNEL") or "socketio")
    else:
        # The extension is one object per process and keeps its options from app to app.
        socketio_ext.server_options.pop("client_manager", None)
    socketio_ext.init_app(app, **options)
    leases = app.extensions[LEASES] = Leases(app)
    cool_down = app.extensions[COOL_DOWN] = CoolDown(app.config["SOCKET_FLOOD_COOLDOWN"])
    guard_events(socketio_ext.server, app, leases, cool_down)


def _person_id():
    return session.get(SOCKET_PERSON)


def _refusal(error):
    if isinstance(error, Forbidden):
        log_security("forbidden", "refused", person_id=_person_id(), method="socket",
                     detail=f"socket {getattr(request, 'event', {}).get('message', '')}")
    return {"ok": False, "error": error.code, "message": translate_error(error.message)}


@socketio.on("connect")
def on_connect(auth):
    """Only a logged-in browser session, a valid bearer token or a display link may connect;
    not while its person, token or address cools down after a flood."""
    if auth is not None and not isinstance(auth, dict):
        raise ConnectionRefusedError("unauthorized")
    auth = auth or {}
    token, display = auth.get("token"), auth.get("display")
    if token is not None and not isinstance(token, str):
        raise ConnectionRefusedError("unauthorized")
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
    session[SOCKET_PERSON] = lease.person_id
    join_room(f"person:{lease.person_id}")
    if lease.login_key:
        join_room(f"login:{lease.login_key}")
    if lease.token_id:
        join_room(f"token:{lease.token_id}")
    current_app.extensions[LEASES].add(socketio.server, request.sid, lease)


@socketio.on("disconnect")
def on_disconnect(*_reason):
    """A socket that is gone holds no lease."""
    current_app.extensions[LEASES].drop(request.sid)


def _refuse_while_cooling(keys):
    """Refuse a connection whose person, token or address was cut off for flooding a moment
    ago (in memory: before any database lookup)."""
    left = current_app.extensions[COOL_DOWN].left(keys)
    if left:
        raise ConnectionRefusedError("rate_limited", {
            "retry_after": left,
            "message": gettext("Too many messages; try again in %(seconds)s seconds.",
                               seconds=left)})


def _cookie_person():
    """The person id the session cookie names (signed, not yet checked against the database)."""
    return str(session.get("_user_id") or "").partition(".")[0]


def _connect_display(display, keys):
    found = displays.display_for_token(database.reader(), display)
    if found is None:
        raise ConnectionRefusedError("unauthorized")
    link, team = found
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


@socketio.on("join")
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


@socketio.on("move")
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

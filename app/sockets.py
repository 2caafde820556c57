"""Socket.IO glue: authenticate on connect, authorise every event, call a service, ack."""

import time

import socketio as python_socketio
from flask import current_app, request, session
from flask_babel import force_locale
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from boards import actions, displays, people
from boards.access import active_person
from boards.errors import N_, DomainError, Forbidden, Invalid
from boards.queries import team_by_slug

from . import database
from .extensions import socketio
from .i18n import translate_error
from .live import log_position_now
from .security_log import log_security
from .serializers import card_json
from .writes import write

SOCKET_PERSON = "socket_person_id"
SOCKET_DISPLAY = "socket_display"
READ_ONLY = N_("This screen is read-only.")
SLOW_DOWN = N_("Too many changes at once. Wait a moment and try again.")


class EventBudget:
    """A socket's token bucket (`rate` events a second, bursts up to `burst`) and its strikes.

    Every refused event is a strike; strikes fade at `rate` a second. A socket whose strikes
    pile up past `limit` keeps flooding and is disconnected.
    """

    def __init__(self, rate, burst, limit, clock=time.monotonic):
        self.rate, self.burst, self.limit, self.clock = rate, burst, limit, clock
        self.tokens, self.strikes, self.last = float(burst), 0.0, clock()
        self.cut_off = False

    def take(self):
        """True when an event may run now; False when it is refused (a strike)."""
        moment = self.clock()
        elapsed, self.last = moment - self.last, moment
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.strikes = max(0.0, self.strikes - elapsed * self.rate)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.strikes += 1
        return False

    @property
    def flooding(self):
        """True when the socket keeps sending after being refused."""
        return self.strikes > self.limit


def guard_events(server, app):
    """Give every socket of this server an EventBudget, checked before an event is dispatched.

    The check sits in front of python-socketio's event dispatch: a refused event costs no
    greenlet, no request context and no session copy, so a flood is cheap to refuse. The ack
    of a refused event is `{"ok": false, "error": "rate_limited", "message": …}` (in the default
    language: a socket has no request to choose one from). A flooding socket is disconnected;
    what it had already sent is dropped unanswered.
    """
    config = app.config
    rate, burst = config["SOCKET_EVENT_RATE"], config["SOCKET_EVENT_BURST"]
    limit = config["SOCKET_FLOOD_DISCONNECT"]
    with app.test_request_context(), force_locale(config["BABEL_DEFAULT_LOCALE"]):
        refusal = {"ok": False, "error": "rate_limited", "message": translate_error(SLOW_DOWN)}
    budgets = {}  # engine.io sid → EventBudget, for this process's sockets
    dispatch, forget = server._handle_event, server._handle_eio_disconnect

    def handle_event(eio_sid, namespace, id, data):
        budget = budgets.get(eio_sid)
        if budget is None:
            budget = budgets[eio_sid] = EventBudget(rate, burst, limit)
        if budget.cut_off:
            return None
        if budget.take():
            return dispatch(eio_sid, namespace, id, data)
        if id is not None:
            server._send_packet(eio_sid, server.packet_class(
                python_socketio.packet.ACK, namespace=namespace or "/", data=[refusal], id=id))
        if budget.flooding:
            budget.cut_off = True
            sid = server.manager.sid_from_eio_sid(eio_sid, namespace or "/")
            app.logger.warning("socket %s disconnected: event flood", sid)
            if sid is not None:
                server.disconnect(sid, namespace=namespace or "/", ignore_queue=True)
        return None

    def handle_eio_disconnect(eio_sid, *args):
        budgets.pop(eio_sid, None)
        return forget(eio_sid, *args)

    server._handle_event = handle_event
    server._handle_eio_disconnect = handle_eio_disconnect
    return budgets


class _KickRooms:
    """Closing a room disconnects its sockets, on every server process."""

    def _handle_close_room(self, message):
        disconnect_local(self.server, message.get("room"), message.get("namespace") or "/")
        super()._handle_close_room(message)


class KickingRedisManager(_KickRooms, python_socketio.RedisManager):
    """Redis message queue whose close_room also disconnects the room's sockets."""


def disconnect_local(server, room, namespace="/"):
    """Disconnect this process's sockets in a room."""
    for sid, _eio_sid in list(server.manager.get_participants(namespace, room)):
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


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
    guard_events(socketio_ext.server, app)


def _person_id():
    return session.get(SOCKET_PERSON)


def _refusal(error):
    if isinstance(error, Forbidden):
        log_security("forbidden", "refused", person_id=_person_id(), method="socket",
                     detail=f"socket {getattr(request, 'event', {}).get('message', '')}")
    return {"ok": False, "error": error.code, "message": translate_error(error.message)}


@socketio.on("connect")
def on_connect(auth):
    """Only a logged-in browser session, a valid bearer token or a display link may connect."""
    person = None
    if auth is not None and not isinstance(auth, dict):
        raise ConnectionRefusedError("unauthorized")
    auth = auth or {}
    token = auth.get("token")
    if token is not None and not isinstance(token, str):
        raise ConnectionRefusedError("unauthorized")
    if auth.get("display") is not None:
        found = displays.display_for_token(database.reader(), auth["display"])
        if found is None:
            raise ConnectionRefusedError("unauthorized")
        link, team = found
        session[SOCKET_DISPLAY] = {"id": link.id, "board": team.slug if team else None}
        join_room(f"display:{link.id}")
        return
    if token:
        found = people.person_for_token(database.reader(), token)
        person = found.id if found else None
    elif current_user.is_authenticated:
        person = current_user.id
    if person is None:
        raise ConnectionRefusedError("unauthorized")
    session[SOCKET_PERSON] = person
    join_room(f"person:{person}")
    if session.get("login_key"):
        join_room(f"login:{session['login_key']}")


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

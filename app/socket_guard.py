"""What every socket event passes before it is dispatched: the socket's event budget and its
lease; and the cool-down that keeps a socket cut off for flooding from coming straight back."""

import math
import time

import socketio as python_socketio
from flask_babel import force_locale

from boards.errors import N_

from .i18n import translate_error
from .socket_leases import end_socket

SLOW_DOWN = N_("Too many changes at once. Wait a moment and try again.")
SESSION_ENDED = N_("Your session has expired. Log in again.")


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


class CoolDown:
    """Who was cut off for flooding, and until when: refused on connect meanwhile.

    Per process and in memory, so checking costs no database lookup. Keys name what to refuse:
    "person:12", "token:<sha256>", "display:<sha256>", "address:10.0.0.5". At most `size` keys
    are kept; when full, expired ones go first, then the oldest.
    """

    def __init__(self, seconds, size=10_000, clock=time.monotonic):
        self.seconds, self.size, self.clock = seconds, size, clock
        self.until = {}

    def add(self, keys):
        """Start (or restart) the cool-down of these keys."""
        if self.seconds <= 0:
            return
        moment = self.clock()
        for key in keys:
            self.until.pop(key, None)  # re-inserted last: the dict stays oldest-first
            if len(self.until) >= self.size:
                self._make_room(moment)
            self.until[key] = moment + self.seconds

    def _make_room(self, moment):
        for key in [key for key, until in self.until.items() if until <= moment]:
            del self.until[key]
        while len(self.until) >= self.size:
            del self.until[next(iter(self.until))]

    def left(self, keys):
        """Whole seconds until none of `keys` is cooling down any more (0: none is)."""
        moment, longest = self.clock(), 0.0
        for key in keys:
            until = self.until.get(key)
            if until is not None and until <= moment:
                del self.until[key]
            elif until is not None:
                longest = max(longest, until - moment)
        return math.ceil(longest)


def guard_events(server, app, leases, cool_down):
    """Give every socket of this server an EventBudget, and check it and the socket's lease
    before an event is dispatched.

    The checks sit in front of python-socketio's event dispatch: a refused event costs no
    greenlet, no request context and no session copy, so a flood is cheap to refuse. The ack
    of a refused event is `{"ok": false, "error": "rate_limited", "message": …}` (in the default
    language: a socket has no request to choose one from). A flooding socket is disconnected
    (what it had already sent is dropped unanswered) and its person, token or address cools
    down. A socket whose login or token has run out gets `{"ok": false, "error":
    "session_ended", …}`, then `session.ended`, and is disconnected.
    """
    config = app.config
    rate, burst = config["SOCKET_EVENT_RATE"], config["SOCKET_EVENT_BURST"]
    limit = config["SOCKET_FLOOD_DISCONNECT"]
    with app.test_request_context(), force_locale(config["BABEL_DEFAULT_LOCALE"]):
        slow_down = {"ok": False, "error": "rate_limited", "message": translate_error(SLOW_DOWN)}
        ended = {"ok": False, "error": "session_ended",
                 "message": translate_error(SESSION_ENDED)}
    budgets = {}  # engine.io sid → EventBudget, for this process's sockets
    dispatch, forget = server._handle_event, server._handle_eio_disconnect

    def refuse(eio_sid, namespace, id, answer):
        if id is not None:
            server._send_packet(eio_sid, server.packet_class(
                python_socketio.packet.ACK, namespace=namespace, data=[answer], id=id))

    def handle_event(eio_sid, namespace, id, data):
        namespace = namespace or "/"
        budget = budgets.get(eio_sid)
        if budget is None:
            budget = budgets[eio_sid] = EventBudget(rate, burst, limit)
        if budget.cut_off:
            return None
        sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
        if not budget.take():
            refuse(eio_sid, namespace, id, slow_down)
            if budget.flooding:
                budget.cut_off = True
                app.logger.warning("socket %s disconnected: event flood", sid)
                if sid is not None:
                    cool_down.add(leases.flood_keys(sid))
                    server.disconnect(sid, namespace=namespace, ignore_queue=True)
            return None
        if sid is not None and not leases.touch(sid):
            budget.cut_off = True
            refuse(eio_sid, namespace, id, ended)
            end_socket(server, sid, "expired")
            return None
        return dispatch(eio_sid, namespace, id, data)

    def handle_eio_disconnect(eio_sid, *args):
        budgets.pop(eio_sid, None)
        return forget(eio_sid, *args)

    server._handle_event = handle_event
    server._handle_eio_disconnect = handle_eio_disconnect
    return budgets

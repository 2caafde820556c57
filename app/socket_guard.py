"""What every socket event passes before it is dispatched: the socket's event budget and its
lease; and the cool-down that keeps a socket cut off for flooding from coming straight back."""

import math
import time

from flask_babel import force_locale
from flask_socketio import Namespace

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


class GuardedNamespace(Namespace):
    """A Flask-SocketIO namespace whose events first pass the socket's EventBudget and lease.

    The checks sit in `trigger_event`, the documented hook through which python-socketio hands
    every event of the namespace to its class: before Flask-SocketIO builds a request context
    or copies the session, so a refused event costs little. The ack of a refused event is
    `{"ok": false, "error": "rate_limited", "message": …}` (in the default language: a socket
    has no request to choose one from). A flooding socket is disconnected (what it had already
    sent is dropped unanswered) and its person, token or address cools down. A socket whose
    login or token has run out gets `{"ok": false, "error": "session_ended", …}`, then
    `session.ended`, and is disconnected.
    """

    def __init__(self, namespace, app, leases, cool_down):
        super().__init__(namespace)
        config = app.config
        self.app, self.leases, self.cool_down = app, leases, cool_down
        self.rate, self.burst = config["SOCKET_EVENT_RATE"], config["SOCKET_EVENT_BURST"]
        self.limit = config["SOCKET_FLOOD_DISCONNECT"]
        with app.test_request_context(), force_locale(config["BABEL_DEFAULT_LOCALE"]):
            self.slow_down = {"ok": False, "error": "rate_limited",
                              "message": translate_error(SLOW_DOWN)}
            self.ended = {"ok": False, "error": "session_ended",
                          "message": translate_error(SESSION_ENDED)}
        self.budgets = {}  # Socket.IO sid → EventBudget, for this process's sockets

    def trigger_event(self, event, *args):
        """Check the socket's budget and lease, then dispatch as Flask-SocketIO does."""
        sid = args[0] if args else None
        if event == "disconnect":
            self.budgets.pop(sid, None)
        elif event != "connect":
            refusal = self.refusal(sid)
            if refusal is not None:
                return refusal or None
        return super().trigger_event(event, *args)

    def refusal(self, sid):
        """None when the event may run; else the ack to send ({} for none at all)."""
        budget = self.budgets.get(sid)
        if budget is None:
            budget = self.budgets[sid] = EventBudget(self.rate, self.burst, self.limit)
        if budget.cut_off:
            return {}
        if not budget.take():
            if budget.flooding:
                budget.cut_off = True
                self.app.logger.warning("socket %s disconnected: event flood", sid)
                self.cool_down.add(self.leases.flood_keys(sid))
                self.server.disconnect(sid, namespace=self.namespace, ignore_queue=True)
            return self.slow_down
        if not self.leases.touch(sid):
            budget.cut_off = True
            self.server.start_background_task(self._end_after_ack, sid)
            return self.ended
        return None

    def _end_after_ack(self, sid):
        # The refusal's ack is sent when trigger_event returns; a disconnect before it would
        # leave the client waiting. A moment later, the ack is on its way.
        self.server.sleep(0.1)
        end_socket(self.server, sid, "expired")

"""Slow CPU work (argon2 password hashing) off the event loop.

Under eventlet or gevent every request and socket shares one loop: a password check there
stalls every board for its duration. `off_loop(function, *args)` runs it in the async library's
thread pool (argon2 releases the GIL), so other greenlets keep running; in threading mode it
simply calls it. `boards/` stays free of eventlet: services accept this as their `run` argument.

Two more things keep the loop responsive when a hundred people log in at once: at most
`PASSWORD_HASH_THREADS` checks run at the same time (the rest wait, without blocking the loop),
and the threads that run them have a lower CPU priority than the loop's thread, so the loop is
never one runnable thread among twenty on a busy machine.
"""

import os
import threading

from flask import current_app

_gate = None
_gate_lock = threading.Lock()
_niced = threading.local()
NICENESS = 10


def default_threads():
    """Half the cores, at least 1 and at most 4: the loop keeps a core of its own."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


def _limit():
    # Created on first use: under gunicorn's async workers `threading` is monkey-patched by
    # then, so waiting for the gate yields to other greenlets instead of blocking the loop.
    global _gate
    if _gate is None:
        with _gate_lock:
            if _gate is None:
                _gate = threading.BoundedSemaphore(
                    current_app.config.get("PASSWORD_HASH_THREADS") or default_threads())
    return _gate


def _low_priority(function, *args):
    """Run in a pool thread, at a lower CPU priority than the event loop's thread."""
    if not getattr(_niced, "done", False):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
        except (AttributeError, OSError):
            pass  # not Linux, or not allowed: run at normal priority
        _niced.done = True
    return function(*args)


def off_loop(function, *args):
    """Run `function(*args)` where the event loop keeps turning; return its result."""
    mode = current_app.config.get("SOCKETIO_ASYNC_MODE")
    if mode not in ("eventlet", "gevent"):
        return function(*args)
    with _limit():
        if mode == "eventlet":
            from eventlet import tpool
            return tpool.execute(_low_priority, function, *args)
        import gevent
        return gevent.get_hub().threadpool.apply(_low_priority, (function,) + args)

"""Slow CPU work (argon2 password hashing) off the event loop.

Under eventlet or gevent every request and socket shares one loop: a password check there
stalls every board for its duration. `off_loop(function, *args)` runs it in the async library's
thread pool (argon2 releases the GIL), so other greenlets keep running; in threading mode it
simply calls it. `boards/` stays free of eventlet: services accept this as their `run` argument.
"""

from flask import current_app


def off_loop(function, *args):
    """Run `function(*args)` where the event loop keeps turning; return its result."""
    mode = current_app.config.get("SOCKETIO_ASYNC_MODE")
    if mode == "eventlet":
        from eventlet import tpool
        return tpool.execute(function, *args)
    if mode == "gevent":
        import gevent
        return gevent.get_hub().threadpool.apply(function, args)
    return function(*args)

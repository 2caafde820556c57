"""The signed-cookie session, not decoded again for every Socket.IO event.

Flask-SocketIO runs each event in a request context built from the socket's handshake environ
and, once Flask has opened that context's session, swaps in the socket's own copy of it (made at
connect: Flask-SocketIO's managed sessions). Decoding and checking the signed cookie for every
event is wasted work on the hottest path (a move). So the connect handler marks the socket's
environ (`keep_socket_session`), and a request context on a marked environ opens an empty
session, which Flask-SocketIO replaces at once.
"""

from flask import request
from flask.sessions import SecureCookieSessionInterface

SOCKET_SESSION = "verbeterbord.socket_session"  # set in a connected socket's environ


class SocketAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, except for the events of a connected socket."""

    def open_session(self, app, request):
        """An empty session for a connected socket's event; else the cookie's."""
        if request.environ.get(SOCKET_SESSION):
            return self.session_class()
        return super().open_session(app, request)


def keep_socket_session():
    """Called by the connect handler once the socket is accepted: from now on its events use
    the socket's copy of the session that Flask-SocketIO keeps (the cookie is not read again)."""
    request.environ[SOCKET_SESSION] = True


def init_app(app):
    """Use the socket-aware session interface."""
    app.session_interface = SocketAwareSessionInterface()

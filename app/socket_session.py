"""The signed-cookie session, not decoded again for every Socket.IO event.

Flask-SocketIO runs each event in a request context built from the socket's handshake, and
Flask opens that context's session from the cookie before Flask-SocketIO swaps in the socket's
own copy (made once, at connect, and kept in the environ as "saved_session"). Decoding and
checking the signed cookie for every event is wasted work on the hottest path (a move); here
an event whose socket already has its copy gets an empty session, which is replaced at once.
"""

from flask.sessions import SecureCookieSessionInterface

SAVED_SESSION = "saved_session"  # Flask-SocketIO's environ key for a socket's session


class SocketAwareSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if SAVED_SESSION in request.environ:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app):
    app.session_interface = SocketAwareSessionInterface()

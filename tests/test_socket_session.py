"""A Socket.IO event does not decode the session cookie again: the socket keeps its own copy."""

from flask.sessions import SecureCookieSessionInterface

from app.extensions import socketio

from .conftest import login


def test_events_use_the_sockets_session_without_decoding_the_cookie(app, client, world):
    login(client, "anna@test.example")
    decoded = []
    original = SecureCookieSessionInterface.open_session

    def counting(interface, application, request):
        session = original(interface, application, request)
        decoded.append(dict(session or {}))
        return session

    SecureCookieSessionInterface.open_session = counting
    try:
        sock = socketio.test_client(app, flask_test_client=client)
        assert sock.is_connected()
        at_connect = len(decoded)
        assert any("_user_id" in session for session in decoded)  # the login, read once
        for _ in range(3):
            # An event that needs the person from the socket's session still knows who it is.
            assert sock.emit("join", {"board": world.wonen}, callback=True)["ok"] is True
        assert len(decoded) == at_connect
        sock.disconnect()
    finally:
        SecureCookieSessionInterface.open_session = original

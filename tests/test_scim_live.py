"""Deactivating someone through SCIM ends their open sockets at once (real server, real clients)."""

import time

import pytest
import requests
from socketio.exceptions import ConnectionError as SocketRefused

from boards import catalog, people
from boards.db import Database
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD
from .live import LiveServer, api_token, login_session
from .socketclients import BoardClient, cookie_header

pytestmark = pytest.mark.live

SECRET = "live-directory-secret"


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def site(request, tmp_path_factory, sqlite_templates):
    """A server with SCIM on, and two wonen members the directory will switch off."""
    folder = tmp_path_factory.mktemp(f"scim-live-{request.param}")
    copy = sqlite_templates.copy(folder, with_world=True)
    db = Database(copy.url)
    ids = {}
    with unit_of_work(db) as session:
        for name in ("erik", "fenna"):
            person = people.create_person(session, name=name.title(), password=PASSWORD,
                                          email=f"{name}@test.example")
            catalog.add_member(session, copy.world.admin, copy.world.wonen_id, person.id)
            ids[name] = person.id
    with LiveServer(copy.url, log_path=folder / "server.log", async_mode=request.param,
                    extra_env={"SCIM_TOKEN": SECRET}) as server:
        yield server.url, copy.world, ids
    db.dispose()


def _sockets(url, world, email):
    """A token socket and a browser-cookie socket of one person, both on the wonen board."""
    token = BoardClient(url, token=api_token(url, email, PASSWORD)).connect()
    browser = BoardClient(url, cookie=cookie_header(login_session(url, email, PASSWORD))).connect()
    for client in (token, browser):
        client.join(world.wonen)
    return token, browser


def _scim(method, url, body=None):
    return requests.request(method, url, json=body, timeout=5,
                            headers={"Authorization": f"Bearer {SECRET}"})


@pytest.mark.parametrize("how", ["patch", "delete"])
def test_deactivation_through_scim_drops_open_sockets_within_a_second(site, how):
    """PATCH active=false (or DELETE) closes the person's sockets in under a second; no
    reconnect."""
    url, world, ids = site
    name = "erik" if how == "patch" else "fenna"
    email = f"{name}@test.example"
    token, browser = _sockets(url, world, email)
    watcher = BoardClient(url, token=api_token(url, "anna@test.example", PASSWORD)).connect()
    target = f"{url}/scim/v2/Users/{ids[name]}"
    started = time.monotonic()
    if how == "patch":
        response = _scim("PATCH", target, {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": False}]})
        assert response.status_code == 200 and response.json()["active"] is False
    else:
        assert _scim("DELETE", target).status_code == 204
    try:
        assert token.disconnected.wait(1.0), "the token socket stayed connected"
        assert browser.disconnected.wait(max(0.0, 1.0 - (time.monotonic() - started))), \
            "the browser socket stayed connected"
        assert time.monotonic() - started < 1.0
        assert watcher.sio.connected  # only that person's sockets go
        with pytest.raises(SocketRefused):
            BoardClient(url, token=api_token_or_none(url, email)).connect()
    finally:
        for client in (token, browser, watcher):
            client.close()


def api_token_or_none(url, email):
    """A disabled person gets no new token: connect with a made-up one instead."""
    response = requests.post(f"{url}/api/v1/tokens", json={"email": email, "password": PASSWORD},
                             timeout=5)
    assert response.status_code == 401
    return "no-token-for-a-disabled-person"

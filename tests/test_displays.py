"""Wall-screen display links: read only what they were made for, never write, revocable."""

import re
import time

import pytest
import socketio
from sqlmodel import select

from boards import actions, displays
from boards.db import Database
from boards.errors import Forbidden
from boards.models import SecurityEvent
from boards.unit_of_work import unit_of_work

from .conftest import login
from .live import LiveServer, api_token


def make_link(db, world, team_slug=None):
    with unit_of_work(db) as s:
        link, token = displays.create_display_link(s, world.admin, label="Scherm hal",
                                                   team_slug=team_slug)
    return link, token


def test_only_admins_make_links(db, world):
    """A member cannot create a display link."""
    with pytest.raises(Forbidden), unit_of_work(db) as s:
        displays.create_display_link(s, world.anna, label="Mijn scherm", team_slug="wonen")


def test_board_link_reads_only_its_board(client, db, world):
    """A board link shows that board without login, and nothing else."""
    with unit_of_work(db) as s:
        actions.create_action(s, world.anna, "wonen", title="Zichtbaar op scherm")
    _link, token = make_link(db, world, "wonen")
    page = client.get(f"/display/{token}")
    assert page.status_code == 200 and "Zichtbaar op scherm" in page.get_data(as_text=True)
    assert 'data-can-write="false"' in page.get_data(as_text=True)
    assert client.get(f"/display/{token}/columns").status_code == 200
    assert client.get(f"/display/{token}/live").status_code == 404  # not the overview
    for path in ("/teams/zorg", "/me", "/overview", "/api/v1/teams"):
        assert client.get(path).status_code in (302, 401), path
    refused = client.post("/teams/wonen/actions", data={"title": "Via scherm"})
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_overview_link_and_admin_page(client, db, world):
    """An admin creates an overview link on the admin page; it shows the overview."""
    login(client, "admin@test.example")
    page = client.post("/admin/displays", data={"label": "Scherm Gilze"}).get_data(as_text=True)
    url = re.search(r'value="(http[^"]+/display/([^"]+))"', page)
    client.post("/logout")
    shown = client.get(f"/display/{url.group(2)}")
    assert shown.status_code == 200 and 'id="overview-body"' in shown.get_data(as_text=True)


def test_revoked_link_is_refused(client, db, world):
    """After revoking, the link answers 404."""
    link, token = make_link(db, world, "wonen")
    with unit_of_work(db) as s:
        displays.revoke_display_link(s, world.admin, link.id)
    assert client.get(f"/display/{token}").status_code == 404
    assert client.get("/display/not-a-real-token-at-all").status_code == 404


@pytest.mark.live
def test_display_socket_reads_but_cannot_write(tmp_path, sqlite_templates):
    """A display socket joins only its board, gets live changes, cannot move; revoked → gone."""
    copy = sqlite_templates.copy(tmp_path, with_world=True)
    url, world = copy.url, copy.world
    db = Database(url)
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, "wonen", title="Op de muur").action
    link, token = make_link(db, world, "wonen")
    with LiveServer(url, log_path=tmp_path / "server.log") as server:
        screen = socketio.Client(reconnection=False)
        received = []
        screen.on("action.moved", received.append)
        screen.connect(server.url, auth={"display": token}, transports=["websocket"])
        assert screen.call("join", {"board": "zorg"})["ok"] is False
        assert screen.call("join", {"overview": True})["ok"] is False
        assert screen.call("join", {"board": "wonen"})["ok"] is True
        refused = screen.call("move", {"action_id": card.id, "status": "done", "version": 1})
        assert refused["ok"] is False and refused["error"] == "forbidden"
        with db.reader() as s:  # each refusal is in the security log
            logged = s.exec(select(SecurityEvent).where(SecurityEvent.kind == "forbidden")).all()
        assert sorted(r.detail for r in logged) == ["socket join", "socket join", "socket move"]
        assert {(r.method, r.address) for r in logged} == {("socket", "127.0.0.1")}
        member = socketio.Client(reconnection=False)
        member.connect(server.url, auth={"token": api_token(server.url, "anna@test.example",
                                                            "correct horse battery")},
                       transports=["websocket"])
        assert member.call("move", {"action_id": card.id, "status": "doing", "version": 1})["ok"]
        deadline = time.monotonic() + 3
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received and received[0]["action"]["status"] == "doing"
        with unit_of_work(db) as s:
            displays.revoke_display_link(s, world.admin, link.id)
        again = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            again.connect(server.url, auth={"display": token}, transports=["websocket"])
        member.disconnect()
        screen.disconnect()

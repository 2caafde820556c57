"""Goal changes are pushed live to the boards that show them and to the overview."""

import time

import pytest

from .live import LiveServer, api_token
from .socketclients import BoardClient, api
from .factories import PASSWORD

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_templates):
    """A real server on a SQLite file with the test world."""
    folder = tmp_path_factory.mktemp("goals-live")
    copy = sqlite_templates.copy(folder, with_world=True)
    with LiveServer(copy.url, log_path=folder / "server.log") as server:
        yield server.url, copy.world


def _events(client, name, timeout=5.0):
    deadline = time.monotonic() + timeout
    with client.changed:
        while True:
            found = [data for event, data in client.received if event == name]
            if found or time.monotonic() >= deadline:
                return found
            client.changed.wait(deadline - time.monotonic())


def test_goal_changes_reach_the_team_board_and_the_overview(site):
    """A short-term goal goes to its own board and the overview, not to another team's board;
    a long-term goal's change goes to every board of its ambition."""
    url, world = site
    token = lambda name: api_token(url, f"{name}@test.example", PASSWORD)  # noqa: E731
    clients = []
    try:
        wonen = BoardClient(url, token=token("bert")).connect()
        wonen.join(world.wonen)
        zorg = BoardClient(url, token=token("carla")).connect()
        zorg.join(world.zorg)
        overview = BoardClient(url, token=token("carla")).connect()
        assert overview.call("join", {"overview": True})["ok"] is True
        clients = [wonen, zorg, overview]
        anna = api(url, token("anna"))
        goal = anna.post(f"/teams/{world.wonen}/goals", json={
            "title": "Wachtrij weg", "horizon": "short", "parent_id": world.long_goal}).json()["goal"]
        for client in (wonen, overview):
            pushed = _events(client, "goal.created")
            assert [p["goal"]["id"] for p in pushed] == [goal["id"]]
            assert type(pushed[0]["seq"]) is int
        assert anna.patch(f"/goals/{goal['id']}", json={"status": "achieved",
                                                        "version": 1}).status_code == 200
        assert _events(wonen, "goal.changed")[0]["goal"]["status"] == "achieved"
        assert _events(zorg, "goal.created", timeout=0.5) == []
        assert _events(zorg, "goal.changed", timeout=0.3) == []
        admin = api(url, token("admin"))
        assert admin.patch(f"/goals/{world.long_goal}", json={"title": "Een 8,5",
                                                              "version": 1}).status_code == 200
        changed = _events(zorg, "goal.changed")
        assert [c["goal"]["title"] for c in changed] == ["Een 8,5"]
    finally:
        for client in clients:
            client.close()

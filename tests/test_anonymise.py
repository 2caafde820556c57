"""Anonymising a leaver: no trace of their name or e-mail in any page, export or API answer."""

import re

from sqlmodel import func, select

from boards import actions, directory, people
from boards.models import Event

from .conftest import login, make_app
from .factories import PASSWORD

TRACES = ("Bert Bakker", "Bakker", "bert@test.example", "bert.b@test.example")


def _history(db, world):
    """Bert works, asks for help, gets renamed and re-addressed; then he leaves and is disabled."""
    with db.writer() as session:
        card = actions.create_action(session, world.bert, world.wonen, title="Wijkschouw").action
        actions.move_action(session, world.bert, card.id, status="doing", version=card.version)
    with db.writer() as session:
        directory.update_person(session, world.admin, world.bert, email="bert.b@test.example")
    with db.writer() as session:
        people.set_active(session, world.admin, world.bert, False)
    return card


def _every_get(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and "<path:" not in rule.rule:
            yield re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_anonymised_person_leaves_no_trace(db_url, db, world):
    """After anonymising, every page, export, API answer and SCIM read (as admin) is free of the
    name and e-mail, the log keeps its rows, and the person reads as 'Oud-medewerker 1'."""
    card = _history(db, world)
    app = make_app(db_url, SCIM_TOKEN="scim-secret")
    client = app.test_client()
    with db.reader() as session:
        rows_before = session.exec(select(func.count()).select_from(Event)).one()
    token = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    admin = {"Authorization": f"Bearer {token}"}
    answer = client.post(f"/api/v1/people/{world.bert}/anonymise", headers=admin)
    assert answer.status_code == 200
    assert answer.get_json()["person"]["name"] == "Oud-medewerker 1"
    with db.reader() as session:
        assert session.exec(select(func.count()).select_from(Event)).one() == rows_before + 1
    login(client, "admin@test.example")
    values = {"slug": "wonen", "action_id": card.id, "number": world.cycle, "token": "x",
              "person_id": world.bert, "team_id": world.wonen_id, "ident": world.bert,
              "link_id": 1, "municipality_id": 1, "link_token": "x", "_rest": "Nothing",
              "feed_token": "x"}
    seen = 0
    for path in list(_every_get(app, values)) + [
            "/admin/people?q=Oud", "/api/v1/people", f"/api/v1/actions/{card.id}/events",
            f"/scim/v2/Users/{world.bert}", f"/scim/v2/Groups/{world.wonen_id}"]:
        headers = {"Authorization": "Bearer scim-secret"} if path.startswith("/scim/") else (
            admin if path.startswith("/api/") else {})
        response = client.get(path, headers=headers)
        text = response.get_data(as_text=True)
        for trace in TRACES:
            assert trace not in text, (path, trace)
        seen += "Oud-medewerker 1" in text
    assert seen >= 5  # the pseudonym shows where the name did (log, board, people, API)
    assert "Oud-medewerker 1" in client.get("/admin/events/export.csv").get_data(as_text=True)
    assert "Oud-medewerker 1" in client.get("/teams/wonen/activity").get_data(as_text=True)


def test_only_a_disabled_person_can_be_anonymised(world, api_as):
    """An active account is refused (409); an admin-only act (403 for a member)."""
    admin = api_as("admin@test.example")
    assert admin.post(f"/people/{world.carla}/anonymise").status_code == 409
    assert api_as("anna@test.example").post(f"/people/{world.carla}/anonymise").status_code == 403
    assert admin.post("/people/999999/anonymise").status_code == 404

"""Anonymising a leaver: no trace of their name or e-mail in any page, export or API answer."""

import re

from sqlmodel import func, select

from boards import actions, directory, escalation, people, sign_in, webhooks
from boards.models import Event, Outbox, Person, SecurityEvent
from boards.unit_of_work import unit_of_work

from .conftest import login, make_app
from .factories import PASSWORD, add_indicator

TRACES = ("Bert Bakker", "Bakker", "bert@test.example", "bert.b@test.example")


def _history(db, world, client):
    """Bert logs in (once mistyping his password), links his Entra account, works under a webhook,
    asks for help and is answered (a mail waits for him), gets re-addressed; then he leaves and
    is disabled."""
    assert login(client, "bert@test.example").status_code == 302
    client.post("/logout")
    assert login(client, "Bert@Test.example", "not his password").status_code == 401
    with unit_of_work(db) as session:
        sign_in.person_for_sign_in(session, "https://login.microsoftonline.com/t/v2.0",
                                   {"sub": "bert-sub", "email": "bert@test.example"})
    with unit_of_work(db) as session:
        webhooks.create_webhook(session, world.admin, url="https://hooks.test.example/in",
                                secret="s" * 16, kinds=["*"])
    with unit_of_work(db) as session:
        card = actions.create_action(session, world.bert, world.wonen, title="Wijkschouw").action
        card = actions.move_action(session, world.bert, card.id, status="doing",
                                   version=card.version).action
    with unit_of_work(db) as session:
        actions.edit_action(session, world.bert, card.id, version=card.version,
                            fields={"needs_help": True, "help_reason": "Akkoord MT nodig"})
    with unit_of_work(db) as session:
        escalation.respond_to_help(session, world.anna, card.id, text="Bel Bert Bakker terug")
    with unit_of_work(db) as session:
        directory.update_person(session, world.admin, world.bert, email="bert.b@test.example")
    with unit_of_work(db) as session:
        people.set_active(session, world.admin, world.bert, False)
    return card


def _every_get(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and "<path:" not in rule.rule:
            yield re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_anonymised_person_leaves_no_trace(db_url, db, world):
    """After anonymising, every page, export, API answer and SCIM read (as admin) is free of the
    name and e-mail, the log keeps its rows, and the person reads as 'Oud-medewerker 1'."""
    app = make_app(db_url, SCIM_TOKEN="scim-secret")
    client = app.test_client()
    card = _history(db, world, client)
    with db.reader() as session:
        rows_before = session.exec(select(func.count()).select_from(Event)).one()
        logged = session.exec(select(SecurityEvent.outcome).where(
            func.lower(SecurityEvent.email).like("bert@%"))).all()
        assert {"success", "failure"} <= set(logged)
        waiting = session.exec(select(Outbox).where(Outbox.state == "pending")).all()
        assert any(row.channel == "mail" and row.person_id == world.bert for row in waiting)
        assert any("Bert Bakker" in str(row.payload) for row in waiting if row.channel == "webhook")
    token = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    admin = {"Authorization": f"Bearer {token}"}
    answer = client.post(f"/api/v1/people/{world.bert}/anonymise", headers=admin)
    assert answer.status_code == 200
    assert answer.get_json()["person"]["name"] == "Oud-medewerker 1"
    with db.reader() as session:
        assert session.exec(select(func.count()).select_from(Event)).one() == rows_before + 1
        stored = [(row.email, row.detail) for row in session.exec(select(SecurityEvent))]
        stored += [(row.payload, row.last_error) for row in session.exec(select(Outbox))]
        bert = session.get(Person, world.bert)
        assert (bert.oidc_issuer, bert.oidc_subject, bert.password_hash) == (None, None, None)
        assert not session.exec(select(Outbox).where(Outbox.person_id == world.bert,
                                                     Outbox.state == "pending")).all()
    for trace in TRACES:
        assert trace.lower() not in str(stored).lower(), trace
    assert "oud-medewerker-1@anoniem.example" in str(stored)
    login(client, "admin@test.example")
    values = {"slug": "wonen", "action_id": card.id, "number": world.cycle, "token": "x",
              "person_id": world.bert, "team_id": world.wonen_id, "ident": world.bert,
              "link_id": 1, "municipality_id": 1, "link_token": "x", "_rest": "Nothing",
              "feed_token": "x", "goal_id": world.short_goal,
              "indicator_id": add_indicator(db, world)}
    seen = 0
    for path in list(_every_get(app, values)) + [
            "/admin/people?q=Oud", "/admin/security?who=oud-medewerker",
            "/admin/security/export.csv", "/api/v1/people", f"/api/v1/actions/{card.id}/events",
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
    security = client.get("/admin/security/export.csv").get_data(as_text=True)
    assert security.count("oud-medewerker-1@anoniem.example") >= 3  # both logins, the mistyped one
    assert "Oud-medewerker 1" in client.get("/teams/wonen/activity").get_data(as_text=True)


def test_only_a_disabled_person_can_be_anonymised(world, api_as):
    """An active account is refused (409); an admin-only act (403 for a member)."""
    admin = api_as("admin@test.example")
    assert admin.post(f"/people/{world.carla}/anonymise").status_code == 409
    assert api_as("anna@test.example").post(f"/people/{world.carla}/anonymise").status_code == 403
    assert admin.post("/people/999999/anonymise").status_code == 404

"""The admin JSON API: people and teams for scripts; admins only; every change an Event."""

import pytest
from sqlmodel import select

from boards import calendar_feed, notifications, sign_in
from boards.models import ApiToken, CalendarFeed, Event, Membership, Team
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD

# Every admin operation with a body that would succeed for an admin.
ADMIN_CALLS = [
    ("GET", "/people", None),
    ("POST", "/people", {"name": "Nieuw", "email": "nieuw@test.example"}),
    ("PATCH", "/people/{carla}", {"name": "Carla C."}),
    ("POST", "/people/{carla}/anonymise", None),
    ("POST", "/teams", {"name": "Nieuw team"}),
    ("PATCH", "/teams/wonen", {"name": "Wonen en Leven"}),
    ("PUT", "/teams/wonen/members/{carla}", None),
    ("DELETE", "/teams/wonen/members/{anna}", None),
]


@pytest.mark.parametrize("method,path,body", ADMIN_CALLS)
def test_every_admin_api_refuses_non_admins(client, world, api_as, db, method, path, body):
    """A member's token gets 403, no token 401, and nothing changes."""
    path = "/api/v1" + path.format(carla=world.carla, anna=world.anna)
    with db.reader() as session:
        before = len(session.exec(select(Event)).all())
    member = api_as("anna@test.example")
    response = client.open(path, method=method, json=body,
                           headers={"Authorization": f"Bearer {member.token}"})
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["error"] == "forbidden"
    assert client.open(path, method=method, json=body).status_code == 401
    with db.reader() as session:
        assert len(session.exec(select(Event)).all()) == before


def test_admin_lists_searches_adds_and_edits_people(world, api_as, db):
    """Search by name or e-mail; add a person; change name, e-mail, role; each logged."""
    admin = api_as("admin@test.example")
    everyone = admin.get("/people").get_json()["people"]
    assert [p["name"] for p in everyone] == sorted(p["name"] for p in everyone)
    assert [p["id"] for p in admin.get("/people?q=BAKKER").get_json()["people"]] == [world.bert]
    assert [p["id"] for p in admin.get("/people?q=carla@").get_json()["people"]] == [world.carla]
    # Nobody types another person's password: the API refuses the field.
    assert admin.post("/people", {"name": "Eva Evers", "email": "eva@test.example",
                                  "password": PASSWORD}).status_code == 422
    created = admin.post("/people", {"name": "Eva Evers", "email": "Eva@Test.example"})
    assert created.status_code == 201
    eva = created.get_json()["person"]
    assert eva["email"] == "eva@test.example" and eva["active"] and not eva["is_admin"]
    edited = admin.patch(f"/people/{eva['id']}", {"name": "Eva de Boer", "is_admin": True})
    assert edited.get_json()["person"] | {"name": "Eva de Boer", "is_admin": True} \
        == edited.get_json()["person"]
    assert admin.patch(f"/people/{eva['id']}", {"email": "anna@test.example"}).status_code == 409
    assert admin.patch(f"/people/{eva['id']}", {"active": "no"}).status_code == 422
    assert admin.patch(f"/people/{eva['id']}", {"colour": "red"}).status_code == 422
    assert admin.patch(f"/people/{world.admin}", {"active": False}).status_code == 422
    with db.reader() as session:
        kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id)).all()][-2:]
    assert kinds == ["person_created", "person_edited"]


def test_disabling_by_api_ends_the_persons_tokens(world, api_as):
    """PATCH active=false: the person's token stops working at once."""
    admin, bert = api_as("admin@test.example"), api_as("bert@test.example")
    assert bert.get("/teams").status_code == 200
    assert admin.patch(f"/people/{world.bert}", {"active": False}).status_code == 200
    assert bert.get("/teams").status_code == 401


def test_admin_manages_teams_members_and_delegate(world, api_as, db):
    """Create, rename, members in and out, delegate (must be a member), retire; each logged."""
    admin = api_as("admin@test.example")
    created = admin.post("/teams", {"name": "Ruimte", "kind": "team"})
    assert created.status_code == 201
    assert created.get_json()["team"]["slug"] == "ruimte"
    assert admin.post("/teams", {"name": "Ruimte"}).status_code == 409
    put = admin.client.put(f"/api/v1/teams/ruimte/members/{world.carla}",
                           headers={"Authorization": f"Bearer {admin.token}"})
    assert [m["id"] for m in put.get_json()["team"]["members"]] == [world.carla]
    assert admin.patch("/teams/ruimte", {"delegate_id": world.anna}).status_code == 422
    team = admin.patch("/teams/ruimte", {"name": "Ruimte en Groen", "delegate_id": world.carla})
    assert team.get_json()["team"]["delegate_id"] == world.carla
    assert team.get_json()["team"]["name"] == "Ruimte en Groen"
    removed = admin.client.delete(f"/api/v1/teams/ruimte/members/{world.carla}",
                                  headers={"Authorization": f"Bearer {admin.token}"})
    assert removed.status_code == 204
    retired = admin.patch("/teams/ruimte", {"retired": True}).get_json()["team"]
    assert retired["retired"] and retired["delegate_id"] is None and retired["members"] == []
    assert "ruimte" not in [t["slug"] for t in admin.get("/teams").get_json()["teams"]]
    with db.reader() as session:
        team_id = session.exec(select(Team.id).where(Team.slug == "ruimte")).one()
        kinds = [e.kind for e in session.exec(select(Event).where(Event.team_id == team_id)
                                              .order_by(Event.id)).all()]
        assert session.exec(select(Membership).where(Membership.team_id == team_id)).all() == []
    assert kinds == ["team_created", "member_added", "team_edited", "member_removed",
                     "team_edited"]


def test_a_delegate_gets_a_seat_in_the_team_of_teams(world, api_as, db):
    """Naming a team's delegate puts them in the Team van teams (logged there)."""
    admin = api_as("admin@test.example")
    tvt = admin.post("/teams", {"name": "Team van teams", "kind": "team_of_teams"}).get_json()[
        "team"
    ]
    assert admin.patch(f"/teams/{world.wonen}", {"delegate_id": world.bert}).status_code == 200
    with db.reader() as session:
        assert session.get(Membership, (tvt["id"], world.bert)) is not None
        seat = session.exec(select(Event).where(Event.team_id == tvt["id"])
                            .order_by(Event.id.desc())).first()
    assert seat.kind == "member_added" and seat.after["person_id"] == world.bert
    cleared = admin.patch(f"/teams/{world.wonen}", {"delegate_id": None}).get_json()["team"]
    assert cleared["delegate_id"] is None


def test_my_export_holds_what_the_app_keeps_about_me(world, api_as, client):
    """GET /api/v1/me/export: my person, teams, cards and log entries; not someone else's."""
    from .conftest import login
    anna = api_as("anna@test.example")
    anna.post(f"/teams/{world.wonen}/actions", {"title": "Terugbellen mevrouw Jansen"})
    data = anna.get("/me/export").get_json()
    assert data["person"]["email"] == "anna@test.example"
    assert [t["slug"] for t in data["teams"]] == ["wonen"]
    assert [a["title"] for a in data["actions"]] == ["Terugbellen mevrouw Jansen"]
    assert [e["kind"] for e in data["events"]] == ["created"]
    assert [e["kind"] for e in data["events_about_me"]] == ["person_created", "member_added"]
    assert data["api_tokens"] and "token_hash" not in str(data)
    assert client.get("/api/v1/me/export").status_code == 401
    login(client, "bert@test.example")
    assert 'href="/api/v1/me/export"' in client.get("/me").get_data(as_text=True)
    browser = client.get("/api/v1/me/export")
    assert browser.status_code == 200 and browser.get_json()["person"]["name"] == "Bert Bakker"


def test_my_export_holds_sign_in_log_choices_and_feeds(world, api_as, client, db):
    """The download also holds my OpenID Connect account, my security-log rows (a mistyped
    login too), my mail choices and my calendar feeds and tokens: metadata, never a secret."""
    from .conftest import login
    issuer = "https://login.microsoftonline.com/tenant-id/v2.0"
    with unit_of_work(db) as session:
        sign_in.person_for_sign_in(
            session,
            issuer,
            {"sub": "anna-sub", "email": "anna@test.example", "email_verified": True},
        )
    with unit_of_work(db) as session:
        notifications.save_choices(session, world.anna, {"digest"})
    with unit_of_work(db) as session:
        feed_token = calendar_feed.new_calendar_token(session, world.anna)
    assert login(client, "ANNA@test.example", "not her password").status_code == 401
    assert login(client, "carla@test.example", "not her password").status_code == 401
    anna = api_as("anna@test.example")
    answer = anna.get("/me/export")
    data, text = answer.get_json(), answer.get_data(as_text=True)
    assert (data["person"]["oidc_issuer"], data["person"]["oidc_subject"]) == (issuer, "anna-sub")
    assert data["notification_choices"] == {"digest": True, "reminders": False,
                                            "help_updates": False, "escalations": False,
                                            "indicator_signals": False}
    assert [f["revoked"] for f in data["calendar_feeds"]] == [False]
    assert [(t["name"], t["revoked"]) for t in data["api_tokens"]] == [("", False)]
    logged = [(e["kind"], e["outcome"], e["email"].lower()) for e in data["security_log"]]
    assert logged == [("login", "failure", "anna@test.example"),
                      ("token_issued", "success", "anna@test.example")]
    assert all(e["address"] == "127.0.0.1" for e in data["security_log"])
    assert "carla" not in text
    with db.reader() as session:
        secrets = [row.token_hash for row in session.exec(select(ApiToken))]
        secrets += [row.token_hash for row in session.exec(select(CalendarFeed))]
    assert feed_token not in text and anna.token not in text
    assert not any(secret in text for secret in secrets) and "hash" not in text

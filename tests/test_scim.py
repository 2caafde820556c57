"""SCIM 2.0 provisioning at /scim/v2: checked by scim2-tester and by hand."""

import pytest
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server

from .conftest import make_app

SECRET = "directory-secret-for-tests"
AUTH = {"Authorization": f"Bearer {SECRET}"}


@pytest.fixture
def scim_app(db_url, world):
    """The app with SCIM switched on."""
    application = make_app(db_url, SCIM_TOKEN=SECRET)
    yield application
    application.extensions["verbeterbord.db"].dispose()


def test_scim2_tester_finds_no_failure(scim_app):
    """scim2-tester runs its discovery, CRUD and PATCH checks against the app: none fails."""
    client = WSGISCIMClient(scim_app, base_url="http://localhost/scim/v2", headers=AUTH)
    results = check_server(client)
    failures = [f"{r.resource_type} {r.title}: {r.reason}" for r in results
                if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    assert not failures, "\n".join(failures)
    assert sum(r.status == Status.SUCCESS for r in results) > 20



def _scim(client, method, path, body=None, token=SECRET):
    return client.open(f"/scim/v2{path}", method=method, json=body,
                       headers={"Authorization": f"Bearer {token}"})


def _patch(*operations):
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": list(operations)}


def test_scim_is_off_without_a_token_and_refuses_a_wrong_secret(app, scim_app):
    """Without SCIM_TOKEN the endpoint does not exist; with it, a wrong secret is a 401."""
    assert _scim(app.test_client(), "GET", "/Users").status_code == 404
    client = scim_app.test_client()
    assert _scim(client, "GET", "/Users", token="wrong").status_code == 401
    assert client.get("/scim/v2/Users").status_code == 401
    assert _scim(client, "GET", "/Users").status_code == 200


def test_users_are_found_by_username_and_paged(scim_app, world):
    """filter=userName eq "…" finds one person (by e-mail when the directory gave no userName);
    startIndex and count page through the rest."""
    client = scim_app.test_client()
    found = _scim(client, "GET", '/Users?filter=userName eq "ANNA@test.example"').get_json()
    assert found["totalResults"] == 1
    assert found["Resources"][0]["id"] == str(world.anna)
    assert found["Resources"][0]["emails"] == [{"value": "anna@test.example"}]
    page = _scim(client, "GET", "/Users?startIndex=2&count=2").get_json()
    assert page["totalResults"] == 4 and page["startIndex"] == 2 and len(page["Resources"]) == 2
    bad = _scim(client, "GET", '/Users?filter=name.givenName sw "A"')
    assert bad.status_code == 400 and bad.get_json()["scimType"] == "invalidFilter"


def test_user_lifecycle_is_logged_and_deactivation_ends_tokens(scim_app, db, world):
    """Create, replace, PATCH active, delete: each an Event; inactive people lose their tokens."""
    from sqlmodel import select
    from boards.models import Event
    client = scim_app.test_client()
    created = _scim(client, "POST", "/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "dirk@gemeente.example",
        "displayName": "Dirk de Vries", "externalId": "entra-1",
        "emails": [{"value": "dirk@gemeente.example", "type": "work", "primary": True}],
        "active": True})
    assert created.status_code == 201, created.get_json()
    ident = created.get_json()["id"]
    assert created.headers["Location"].endswith(f"/scim/v2/Users/{ident}")
    duplicate = _scim(client, "POST", "/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "Dirk@gemeente.example",
        "displayName": "Dubbel", "emails": [{"value": "ander@gemeente.example"}]})
    assert duplicate.status_code == 409 and duplicate.get_json()["scimType"] == "uniqueness"
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": "correct horse battery"}).get_json()
    off = _scim(client, "PATCH", f"/Users/{world.anna}",
                _patch({"op": "replace", "path": "active", "value": False}))
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/api/v1/teams", headers={
        "Authorization": f"Bearer {token['token']}"}).status_code == 401
    assert _scim(client, "DELETE", f"/Users/{ident}").status_code == 204
    assert _scim(client, "GET", f"/Users/{ident}").status_code == 404
    with db.reader() as session:
        kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id)).all()]
    assert kinds[-3:] == ["scim_user_created", "scim_user_replaced", "scim_user_deleted"]


def test_group_members_in_and_out_by_patch_and_put(scim_app, db, world):
    """Teams are groups: PATCH adds and removes members, PUT sets them; each change logged."""
    from sqlmodel import select
    from boards.models import Event, Membership
    client = scim_app.test_client()
    path = f"/Groups/{world.wonen_id}"
    group = _scim(client, "GET", path).get_json()
    assert {m["value"] for m in group["members"]} == {str(world.anna), str(world.bert)}
    added = _scim(client, "PATCH", path, _patch(
        {"op": "add", "path": "members", "value": [{"value": str(world.carla)}]}))
    assert added.status_code == 200, added.get_json()
    removed = _scim(client, "PATCH", path, _patch(
        {"op": "remove", "path": f'members[value eq "{world.anna}"]'}))
    assert {m["value"] for m in removed.get_json()["members"]} == {str(world.bert), str(world.carla)}
    replaced = _scim(client, "PUT", path, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Wonen en Leven",
        "members": [{"value": str(world.anna)}]})
    assert replaced.status_code == 200
    with db.reader() as session:
        members = session.exec(select(Membership.person_id).where(
            Membership.team_id == world.wonen_id)).all()
        kinds = [e.kind for e in session.exec(select(Event).where(
            Event.team_id == world.wonen_id).order_by(Event.id)).all()]
    assert members == [world.anna]
    assert kinds[-6:] == ["member_added", "member_removed", "scim_group_replaced", "member_added",
                          "member_removed", "member_removed"]
    unknown = _scim(client, "PATCH", path, _patch(
        {"op": "add", "path": "members", "value": [{"value": "999999"}]}))
    assert unknown.status_code == 400


def test_scim_reads_do_not_write(scim_app, world):
    """Every SCIM GET (lists, filters, one resource, discovery) sends no write to the database."""
    from sqlalchemy import event as sa_event
    from .test_reads_do_not_write import WRITES
    seen = []
    database = scim_app.extensions["verbeterbord.db"]
    engines = {database.read_engine, database.write_engine}

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    for engine in engines:
        sa_event.listen(engine, "before_cursor_execute", record)
    client = scim_app.test_client()
    try:
        for path in ("/Users", '/Users?filter=userName eq "anna@test.example"', f"/Users/{world.anna}",
                     "/Groups", f"/Groups/{world.wonen_id}", "/ServiceProviderConfig",
                     "/ResourceTypes", "/ResourceTypes/User", "/Schemas",
                     "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "/Nothing"):
            response = _scim(client, "GET", path)
            assert response.status_code in (200, 404), path
            assert response.mimetype == "application/scim+json", path
    finally:
        for engine in engines:
            sa_event.remove(engine, "before_cursor_execute", record)
    assert seen and not [s for s in seen if WRITES.match(s)]


def test_entra_shaped_requests(scim_app, world):
    """What Entra ID sends: the enterprise extension and attributes we do not keep (ignored),
    "Replace" with a capital and "False" as text, e-mail by `emails[type eq "work"].value`."""
    client = scim_app.test_client()
    created = _scim(client, "POST", "/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "0a1b", "userName": "Eva.Smit@gemeente.example", "active": True,
        "displayName": "Eva Smit", "title": "Beleidsmedewerker",
        "name": {"givenName": "Eva", "familyName": "Smit"},
        "emails": [{"primary": True, "type": "work", "value": "Eva.Smit@gemeente.example"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Wonen"}})
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User"]
    assert "title" not in user and "name" not in user
    path = f"/Users/{user['id']}"
    moved = _scim(client, "PATCH", path, _patch(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "eva@gemeente.example"},
        {"op": "Replace", "path": "active", "value": "False"}))
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["emails"] == [{"value": "eva@gemeente.example"}]
    assert moved.get_json()["active"] is False
    again = _scim(client, "GET", '/Users?filter=userName eq "eva.smit@gemeente.example"').get_json()
    assert again["totalResults"] == 1 and again["Resources"][0]["active"] is False


def test_a_deleted_person_sent_again_comes_back(scim_app, db, world):
    """The directory deletes Bert, later creates him again: the same person, active, history kept."""
    client = scim_app.test_client()
    assert _scim(client, "DELETE", f"/Users/{world.bert}").status_code == 204
    again = _scim(client, "POST", "/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bert@test.example",
        "displayName": "Bert Bakker", "emails": [{"value": "bert@test.example"}], "active": True})
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["id"] == str(world.bert) and again.get_json()["active"] is True
    assert _scim(client, "GET", f"/Users/{world.bert}").status_code == 200


def test_hostile_scim_requests_are_refused_without_a_server_error(scim_app, world):
    """NUL bytes, odd paging, ids out of range, broken bodies: 4xx SCIM errors, never a 500."""
    client = scim_app.test_client()
    for method, path, body in [
            ("GET", '/Users?filter=userName eq "a\x00b"', None),
            ("GET", "/Users?attributes=nonsense[", None),
            ("GET", "/Users/99999999999999999999", None),
            ("GET", "/Groups/-1", None),
            ("POST", "/Users", {"userName": "x\x00"}),
            ("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                "userName": "a" * 400, "emails": [{"value": "a@b.example"}]}),
            ("PATCH", f"/Users/{world.anna}", {"Operations": "nope"}),
            ("PATCH", f"/Groups/{world.wonen_id}", _patch(
                {"op": "add", "path": "members", "value": [{"value": "1" * 30}]})),
            ("PUT", f"/Groups/{world.wonen_id}", [1, 2]),
            ("POST", "/Users/.search", {"filter": 5, "startIndex": "x"})]:
        response = _scim(client, method, path, body)
        assert 400 <= response.status_code < 500, (method, path, response.status_code)
        assert response.mimetype == "application/scim+json", (method, path)
    beyond = _scim(client, "GET", "/Users?startIndex=999999999&count=-5")
    assert beyond.status_code == 200 and beyond.get_json()["Resources"] == []

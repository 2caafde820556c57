"""A mail that keeps failing becomes a dead letter after MAX_ATTEMPTS tries: it is not tried
again, admins see it with its last error on the outbox page and retry or discard it there.
A header never carries a line break, even from a title stored before they were refused."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from app.mail import header_value
from boards import actions, outbox
from boards.errors import Conflict, Forbidden
from boards.models import Action, Outbox
from boards.unit_of_work import unit_of_work

from .conftest import login, make_app
from .notify_helpers import SmtpServer


def _app(db_url, port):
    return make_app(db_url, PUBLIC_URL="https://bord.example.nl", SMTP_HOST="127.0.0.1",
                    SMTP_PORT=port, MAIL_FROM="bord@example.nl", OUTBOX_RETRY_SECONDS=0)


def _send(app):
    today = date.today().isoformat()
    result = app.test_cli_runner().invoke(args=["send-notifications", "--today", today])
    assert result.exit_code == 0, result.output
    return result.output


def _overdue_mail(db, world, title="Bellen"):
    """An overdue card of Anna's, so a reminder is planned for her."""
    with unit_of_work(db) as s:
        return actions.create_action(s, world.anna, "wonen", title=title,
                                     due_date=date.today() - timedelta(days=1)).action.id


def _states(db):
    with db.reader() as s:
        return [(r.kind, r.state, r.attempts) for r in s.exec(select(Outbox)
                                                              .where(Outbox.kind == "overdue"))]


def test_header_value_is_one_line():
    """Line breaks and control characters become one space."""
    assert header_value("Bellen\r\nBcc: x@evil.example\t\u2028 nu") == \
        "Bellen Bcc: x@evil.example nu"


def test_a_stored_title_with_a_line_break_still_mails(db_url, db, world):
    """A title saved before line breaks were refused: its mail goes, the subject on one line."""
    card = _overdue_mail(db, world)
    with unit_of_work(db) as s:  # as an old row would be: written before the rule existed
        s.execute(sa.update(Action).where(Action.id == card).values(
            title="Bellen\r\nBcc: x@evil.example"))
        s.commit()
    server = SmtpServer().start()
    app = _app(db_url, server.port)
    try:
        assert ", failed 0" in _send(app)
        mails = server.inbox.wait_for(2)
    finally:
        server.stop()
        app.extensions["verbeterbord.db"].dispose()
    subjects = [m["Subject"] for to, m in mails if to == ["anna@test.example"]]
    assert any("Bellen Bcc: x@evil.example" in s for s in subjects), subjects
    assert all(to != ["x@evil.example"] for to, _m in mails)
    assert ("overdue", "sent", 1) in _states(db)


def test_a_mail_that_keeps_failing_becomes_a_dead_letter(db_url, db, world):
    """Five failed tries (no server listens), then no more: the outbox page shows it with its
    error; retried it is due again, discarded it is never sent."""
    _overdue_mail(db, world)
    app = _app(db_url, SmtpServer().port)  # never started
    try:
        for _ in range(outbox.MAX_ATTEMPTS + 2):
            _send(app)
        assert _states(db) == [("overdue", "failed", outbox.MAX_ATTEMPTS)]
        client = app.test_client()
        login(client, "admin@test.example")
        page = client.get("/admin/outbox").get_data(as_text=True)
        with db.reader() as s:
            row = s.exec(select(Outbox).where(Outbox.kind == "overdue")).one()
        assert f'id="dead-letter-{row.id}"' in page and row.last_error
        assert "Connection refused" in row.last_error or "Errno" in row.last_error
        assert client.post(f"/admin/outbox/{row.id}/retry").status_code == 302
        assert _states(db) == [("overdue", "pending", 0)]
        _send(app)
        assert _states(db) == [("overdue", "pending", 1)]
        for _ in range(outbox.MAX_ATTEMPTS):
            _send(app)
        assert client.post(f"/admin/outbox/{row.id}/discard").status_code == 302
        assert _states(db) == [("overdue", "discarded", outbox.MAX_ATTEMPTS)]
        _send(app)
        assert _states(db) == [("overdue", "discarded", outbox.MAX_ATTEMPTS)]
        assert f'id="dead-letter-{row.id}"' not in client.get("/admin/outbox").get_data(
            as_text=True)
    finally:
        app.extensions["verbeterbord.db"].dispose()


def test_only_admins_decide_and_only_on_dead_letters(db, world):
    """A member may not retry; a pending message is no dead letter."""
    _overdue_mail(db, world)
    with unit_of_work(db) as s:
        outbox.plan_time_based(s, date.today())
    with unit_of_work(db) as s:
        row = s.exec(select(Outbox).where(Outbox.kind == "overdue")).one()
        with pytest.raises(Forbidden):
            outbox.retry_dead_letter(s, world.anna, row.id)
        with pytest.raises(Conflict):
            outbox.discard_dead_letter(s, world.admin, row.id)

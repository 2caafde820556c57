"""E-mail through a real SMTP server: the right mails, once each, in the reader's language,
with links from PUBLIC_URL; also with two senders at once and while the server is down."""

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from boards import actions, catalog, escalation, notifications
from boards.cycles import current_cycle
from boards.models import Goal, Outbox
from boards.unit_of_work import unit_of_work

from .conftest import make_app
from .notify_helpers import SmtpServer

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://bord.example.nl"


@pytest.fixture
def smtp():
    """A running SMTP server."""
    server = SmtpServer().start()
    yield server
    server.stop()


def _app(db_url, port, **overrides):
    settings = {"PUBLIC_URL": PUBLIC, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port,
                "MAIL_FROM": "bord@example.nl", "OUTBOX_RETRY_SECONDS": 0.3, **overrides}
    return make_app(db_url, **settings)


def _send(app, *args):
    result = app.test_cli_runner().invoke(args=["send-notifications", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _parts(message):
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def _ask_for_help(db, world):
    """Anna (reading English) asks for help; Carla is in the Team van teams."""
    with unit_of_work(db) as s:
        oversight = catalog.create_team(s, world.admin, name="Team van teams", kind="team_of_teams")
        catalog.add_member(s, world.admin, oversight.id, world.carla)
        notifications.set_language(s, world.anna, "en")
        card = actions.create_action(s, world.anna, "wonen", title="Subsidie aanvragen").action
    with unit_of_work(db) as s:
        actions.edit_action(s, world.anna, card.id, version=1,
                            fields={"needs_help": True, "help_reason": "Akkoord van MT nodig"})
    return card.id


def _answer_and_resolve(db, world, action_id):
    """Bert answers, then resolves; Anna moves the card."""
    card_id = action_id
    with unit_of_work(db) as s:
        escalation.respond_to_help(s, world.bert, card_id, text="Ik bel het MT morgen")
    with unit_of_work(db) as s:
        escalation.resolve_help(s, world.bert, card_id, version=2, note="Geregeld")
    with unit_of_work(db) as s:
        actions.move_action(s, world.anna, card_id, status="doing", version=3)


def test_help_mails_arrive_once_in_the_readers_language(db_url, db, world, smtp):
    """Carla (Team van teams, Dutch) hears that Wonen needs help; Anna (English) that her
    request was answered and resolved; a move sends nothing; a second run sends nothing."""
    action_id = _ask_for_help(db, world)
    app = _app(db_url, smtp.port)
    try:
        _send(app, *_no_digest(db))
        _answer_and_resolve(db, world, action_id)
        _send(app, *_no_digest(db))
        _send(app, *_no_digest(db))
    finally:
        app.extensions["verbeterbord.db"].dispose()
    mails = smtp.inbox.wait_for(3)
    time.sleep(0.2)
    assert len(smtp.inbox.messages) == 3
    by_subject = {m["Subject"]: (to, m) for to, m in mails}
    assert set(by_subject) == {"Wonen heeft hulp nodig: Subsidie aanvragen",
                               "Your help request was answered: Subsidie aanvragen",
                               "Your help request was resolved: Subsidie aanvragen"}
    to, dutch = by_subject["Wonen heeft hulp nodig: Subsidie aanvragen"]
    assert to == ["carla@test.example"]
    text, html = _parts(dutch)
    assert "Akkoord van MT nodig" in text and f"{PUBLIC}/actions/{action_id}" in text
    assert f'href="{PUBLIC}/actions/{action_id}"' in html and 'lang="nl"' in html
    assert f"{PUBLIC}/me/notifications" in text
    to, answered = by_subject["Your help request was answered: Subsidie aanvragen"]
    assert to == ["anna@test.example"]
    text, html = _parts(answered)
    assert "Bert Bakker answered your request for help." in text
    assert "Ik bel het MT morgen" in text and 'lang="en"' in html
    with unit_of_work(db) as s:
        rows = s.exec(select(Outbox)).all()
    assert {(r.kind, r.state, r.attempts) for r in rows} == {
        ("team_needs_help", "sent", 1), ("help_answered", "sent", 1), ("help_resolved", "sent", 1)}


def test_choices_are_honoured(db_url, db, world, smtp):
    """Anna switched off help updates: only the Team van teams mail is written."""
    with unit_of_work(db) as s:
        notifications.save_choices(s, world.anna, {"digest", "reminders", "escalations"})
    _answer_and_resolve(db, world, _ask_for_help(db, world))
    with unit_of_work(db) as s:
        assert [r.kind for r in s.exec(select(Outbox)).all()] == ["team_needs_help"]


def test_reminders_and_digest_are_planned_once(db_url, db, world, smtp):
    """On a cycle's first day: a digest for each member, a reminder for a card due the next
    working day, an overdue mail for a card past its date; planning twice changes nothing."""
    with unit_of_work(db) as s:
        cycle = current_cycle(s)
        first = cycle.start  # a Monday in the test world
        due = actions.create_action(s, world.anna, "wonen", title="Morgen af",
                                    due_date=first + timedelta(days=1)).action
        late = actions.create_action(s, world.bert, "wonen", title="Te laat",
                                     due_date=first + timedelta(days=1)).action
        late.due_date = first - timedelta(days=2)
        s.commit()
        actions.create_action(s, world.carla, "zorg", title="Later af",
                              due_date=first + timedelta(days=6))
        goal = catalog.create_goal(
            s,
            world.admin,
            ambition_id=s.get(Goal, world.long_goal).ambition_id,
            horizon="short",
            title="Wachttijd halveren",
            parent_id=world.long_goal,
            team_id=world.wonen_id,
        )
    app = _app(db_url, smtp.port)
    try:
        _send(app, "--today", first.isoformat())
        _send(app, "--today", first.isoformat())
    finally:
        app.extensions["verbeterbord.db"].dispose()
    mails = smtp.inbox.wait_for(5)
    time.sleep(0.2)
    subjects = sorted((to[0], m["Subject"]) for to, m in smtp.inbox.messages)
    assert [s for s in subjects if "Cyclus" in s[1]] == [
        (f"{who}@test.example", f"Cyclus {cycle.number} begint: uw acties")
        for who in ("anna", "bert", "carla")]
    assert [s for s in subjects if "Cyclus" not in s[1]] == [
        ("anna@test.example", f"Deadline {_full_dutch(first + timedelta(days=1))}: Morgen af"),
        ("bert@test.example", "Over de deadline: Te laat")]
    digest = next(m for to, m in mails if to == ["anna@test.example"] and "Cyclus" in m["Subject"])
    text, _html = _parts(digest)
    assert "Morgen af (Wonen)" in text and f"{PUBLIC}/actions/{due.id}" in text
    assert f"{goal.title} (Wonen)" in text  # the team's short-term goal
    assert late.id


def _full_dutch(day):
    from babel.dates import format_date
    return format_date(day, "full", locale="nl")


def _no_digest(db):
    """Plan as on a day past the cycle's first days: no digest gets in the way."""
    with unit_of_work(db) as s:
        return "--today", (current_cycle(s).start + timedelta(days=5)).isoformat()


def _reminders(db, world, count):
    with unit_of_work(db) as s:
        today = current_cycle(s).start + timedelta(days=5)
        for n in range(count):
            actions.create_action(s, world.anna, "wonen", title=f"Actie {n}",
                                  due_date=today - timedelta(days=1))


def _sender(db_url, port, today):
    env = dict(os.environ, DATABASE_URL=db_url, SECRET_KEY="x", PUBLIC_URL=PUBLIC,
               SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SOCKETIO_ASYNC_MODE="threading",
               OUTBOX_RETRY_SECONDS="0.3")
    env.pop("VERBETERBORD_DEMO", None)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "send-notifications",
                             "--today", today.isoformat()], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.serial  # a claim's lease of about a second: timing under a loaded machine
def test_two_senders_at_once_send_each_mail_once(db_url, db, world, smtp):
    """Two sender processes start together on 20 overdue mails: 20 arrive, none twice."""
    _reminders(db, world, 20)
    today = date.fromisoformat(_no_digest(db)[1])
    senders = [_sender(db_url, smtp.port, today) for _ in range(2)]
    outputs = [p.communicate(timeout=60)[0] for p in senders]
    assert all(p.returncode == 0 for p in senders), outputs
    smtp.inbox.wait_for(20)
    time.sleep(0.3)
    subjects = sorted(m["Subject"] for _to, m in smtp.inbox.messages)
    assert subjects == sorted(f"Over de deadline: Actie {n}" for n in range(20))


def test_mail_waits_while_the_smtp_server_is_down(db_url, db, world):
    """Server down: the mails stay pending with a later try; back up: delivered, once."""
    server = SmtpServer()  # not started: nobody listens on its port
    _reminders(db, world, 2)
    app = _app(db_url, server.port, OUTBOX_RETRY_SECONDS=3)
    try:
        assert "Sent 0, failed 2" in _send(app, *_no_digest(db))
        with unit_of_work(db) as s:
            rows = s.exec(select(Outbox)).all()
        assert [(r.state, r.attempts) for r in rows] == [("pending", 1), ("pending", 1)]
        assert all(r.last_error for r in rows)
        server.start()
        try:
            assert "Sent 0" in _send(app, *_no_digest(db))  # still backing off
            time.sleep(3)
            assert "Sent 2, failed 0" in _send(app, *_no_digest(db))
            _send(app, *_no_digest(db))
            server.inbox.wait_for(2)
            time.sleep(0.2)
            assert len(server.inbox.messages) == 2
        finally:
            server.stop()
    finally:
        app.extensions["verbeterbord.db"].dispose()
    with unit_of_work(db) as s:
        assert {(r.state, r.attempts) for r in s.exec(select(Outbox)).all()} == {("sent", 2)}


@pytest.mark.serial  # a claim's lease of about a second: timing under a loaded machine
def test_a_sender_that_dies_after_claiming_loses_nothing(db_url, db, world, smtp):
    """Rows claimed by a sender that never marks them go out once its lease has run out."""
    from boards import outbox
    from boards.models import utcnow
    _reminders(db, world, 2)
    with unit_of_work(db) as s:
        outbox.plan_time_based(s, date.fromisoformat(_no_digest(db)[1]))
    with unit_of_work(db) as s:
        assert len(outbox.claim(s, now=utcnow(), lease_seconds=1)) == 2  # then it "crashes"
    app = _app(db_url, smtp.port)
    try:
        assert "Sent 0" in _send(app, *_no_digest(db))  # the lease still holds
        time.sleep(1.1)
        assert "Sent 2, failed 0" in _send(app, *_no_digest(db))
    finally:
        app.extensions["verbeterbord.db"].dispose()
    assert len(smtp.inbox.wait_for(2)) == 2


def test_a_refused_change_leaves_no_message(db, world):
    """The outbox row commits with its change: an edit refused for a stale version adds none;
    the accepted one tells the Team van teams (its members and the teams' delegates)."""
    from boards.errors import Conflict
    with unit_of_work(db) as s:
        oversight = catalog.create_team(s, world.admin, name="Team van teams", kind="team_of_teams")
        catalog.add_member(s, world.admin, oversight.id, world.carla)
        catalog.add_member(s, world.admin, world.wonen_id, world.bert, delegate=True)
        card = actions.create_action(s, world.anna, "wonen", title="Kaart").action
    with pytest.raises(Conflict), unit_of_work(db) as s:
        actions.edit_action(s, world.anna, card.id, version=7,
                            fields={"needs_help": True, "help_reason": "Hulp"})
    with unit_of_work(db) as s:
        assert s.exec(select(Outbox)).all() == []
        actions.edit_action(s, world.anna, card.id, version=1,
                            fields={"needs_help": True, "help_reason": "Hulp"})
    with unit_of_work(db) as s:
        assert sorted((r.kind, r.person_id) for r in s.exec(select(Outbox)).all()) == [
            ("team_needs_help", world.bert), ("team_needs_help", world.carla)]


def test_in_process_scheduler_sends_without_cron(db_url, db, world, smtp):
    """NOTIFY_IN_PROCESS: the web process's first request starts the sender; mails arrive."""
    with unit_of_work(db) as s:
        actions.create_action(s, world.anna, "wonen", title="Gisteren af",
                              due_date=date.today() - timedelta(days=1))
        notifications.save_choices(s, world.anna, {"reminders"})
        notifications.save_choices(s, world.bert, set())
        notifications.save_choices(s, world.carla, set())
    app = _app(db_url, smtp.port, NOTIFY_IN_PROCESS=True, NOTIFY_INTERVAL_SECONDS=0.2,
               NOTIFY_FROM_HOUR=0)
    try:
        app.test_client().get("/healthz")
        mails = smtp.inbox.wait_for(1)
        assert [m["Subject"] for _to, m in mails] == ["Over de deadline: Gisteren af"]
    finally:
        app.extensions["verbeterbord.notify_stop"].set()
        app.extensions["verbeterbord.notify_thread"].join(5)
        app.extensions["verbeterbord.db"].dispose()
    assert len(smtp.inbox.messages) == 1

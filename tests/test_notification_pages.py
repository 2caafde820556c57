"""Pages: my e-mail choices, the language mail comes in, the outbox and webhooks for admins."""

from sqlmodel import select

from boards import actions, notifications, outbox
from boards.models import Outbox, Person, Webhook
from boards.unit_of_work import unit_of_work

from .conftest import login


def test_choices_page_saves_what_i_tick(client, db, world):
    """Everything is on at first; unticking one keeps it off, odd values are ignored."""
    login(client, "anna@test.example")
    page = client.get("/me/notifications").get_data(as_text=True)
    assert page.count("checked") == 5  # digest, reminders, help, escalations, signals
    saved = client.post(
        "/me/notifications", data={"choice": ["digest", "reminders", "\x00", "x" * 5000]}
    )
    assert saved.status_code == 302
    page = client.get("/me/notifications").get_data(as_text=True)
    assert page.count("checked") == 2
    assert 'value="digest" checked' in page and 'value="help_updates" checked' not in page


def test_switching_language_sets_the_mail_language(client, db, world):
    """The top bar's language switch is remembered for the person's e-mail."""
    login(client, "anna@test.example")
    client.post("/language", data={"lang": "en", "next": "/me"})
    with unit_of_work(db) as s:
        assert s.get(Person, world.anna).language == "en"
    client.post("/language", data={"lang": "xx", "next": "/me"})
    with unit_of_work(db) as s:
        assert s.get(Person, world.anna).language == "en"


def test_outbox_and_webhooks_pages_are_for_admins(client, db, world):
    """Admins see the outbox rows and manage webhooks with forms; members get 403."""
    login(client, "anna@test.example")
    assert client.get("/admin/outbox").status_code == 403
    assert client.get("/admin/webhooks").status_code == 403
    assert client.post("/admin/webhooks", data={"url": "https://x.example/h"}).status_code == 403
    client.post("/logout")
    login(client, "admin@test.example")
    added = client.post("/admin/webhooks", data={"url": "https://hooks.example.nl/in",
                                                 "secret": "s" * 20, "events": ["moved"]})
    assert added.status_code == 302
    refused = client.post("/admin/webhooks", data={"url": "javascript:alert(1)",
                                                   "secret": "s" * 20}, follow_redirects=True)
    assert refused.status_code == 200 and "http" in refused.get_data(as_text=True)
    with unit_of_work(db) as s:
        hook = s.exec(select(Webhook)).one()
        card = actions.create_action(s, world.anna, "wonen", title="X").action
        actions.move_action(s, world.anna, card.id, status="doing", version=1)
    with db.reader() as s:  # the unit of work added the webhook call as it committed
        assert [r.kind for r in s.exec(select(Outbox)).all()] == ["moved"]
    assert hook.url == "https://hooks.example.nl/in" and hook.events == ["moved"]
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "webhook" in page and "moved" in page
    log = client.get(f"/admin/webhooks?log={hook.id}").get_data(as_text=True)
    assert "https://hooks.example.nl/in" in log and "moved" in log
    assert client.get("/admin/webhooks?log=99999999999999").status_code == 200
    assert client.post(f"/admin/webhooks/{hook.id}/delete").status_code == 302
    assert client.post(f"/admin/webhooks/{hook.id}/delete").status_code == 404


def test_webhook_and_outbox_kinds_have_readable_names(client, db, world):
    """The webhook form and the outbox name each kind in words; the code stays as the value."""
    login(client, "admin@test.example")
    form = client.get("/admin/webhooks").get_data(as_text=True)
    assert (
        'value="help_note"> <label for="event-help_note">Reactie op een hulpvraag</label>' in form
    )
    assert '<label for="event-moved">Kaart verplaatst</label> <code>moved</code>' in form
    assert ">help_requested<" not in form.replace("<code>help_requested<", "")
    client.post("/admin/webhooks", data={"url": "https://hooks.example.nl/in", "secret": "s" * 20,
                                         "events": ["moved", "help_note"]})
    with unit_of_work(db) as s:
        card = actions.create_action(s, world.anna, "wonen", title="X").action
        actions.move_action(s, world.anna, card.id, status="doing", version=1)
    listed = client.get("/admin/webhooks").get_data(as_text=True)
    assert "<td>Reactie op een hulpvraag, Kaart verplaatst</td>" in listed
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "<td>Kaart verplaatst <code>moved</code></td>" in page
    assert "<td>moved</td>" not in page


def test_every_outbox_kind_has_a_name(app):
    """Each card event a webhook may follow and each kind of e-mail has a readable name."""
    from app.history import message_kinds

    mail_kinds = {kind for kinds in notifications.CHOICES.values() for kind in kinds}
    with app.test_request_context():
        names = message_kinds()
    assert set(outbox.ACTION_KINDS) | mail_kinds <= set(names)

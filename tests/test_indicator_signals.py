"""A value that makes a new signal appear: logged, sent live to the goal's boards and the
overview, queued as a webhook call (`indicator.signal`) and as e-mails, on both databases."""

from sqlmodel import select

from app.mail import compose
from boards import indicators, webhooks
from boards.models import Event, Outbox
from boards.unit_of_work import unit_of_work

from .factories import add_indicator

# Eleven calm months (8 to 10) and then 30: far above the upper limit (rule 1).
CALM = "\n".join(f"2025-{m:02d};{v}" for m, v in enumerate(
    (8, 9, 8, 10, 9, 8, 9, 10, 8, 9, 9), start=1))


def test_a_new_signal_goes_out_once(app, api_as, db, world, monkeypatch):
    """The jump to 30 sends indicator.signal to Wonen's and Zorg's boards and the overview,
    logs one Event, queues the webhook's CloudEvent and e-mails to the members of the teams on
    the ambition except the writer; entering the same value again sends nothing new."""
    from app import broadcast
    sent = []
    monkeypatch.setattr(broadcast.socketio, "emit",
                        lambda event, payload, to: sent.append((event, payload, to)))
    with unit_of_work(db) as s:
        webhooks.create_webhook(s, world.admin, url="https://hooks.example.nl/in",
                                secret="s" * 32, kinds=["indicator.signal"])
        s.commit()
    indicator_id = add_indicator(db, world, text=CALM)
    anna = api_as("anna@test.example")
    response = anna.client.put(f"/api/v1/indicators/{indicator_id}/values/2025-12",
                               json={"value": 30}, headers=anna._headers())
    assert response.status_code == 201
    signals = [(p, to) for e, p, to in sent if e == "indicator.signal"]
    assert len(signals) == 1
    payload, rooms = signals[0]
    assert rooms == ["board:wonen", "board:zorg", "overview"]
    # 30 lifts the average above every calm month: eleven in a row below it (rule 2) as well.
    assert payload["signals"][-1] == {"period": "2025-12", "rule": 1,
                                      "text": "boven de bovengrens"}
    assert [(x["period"], x["rule"]) for x in payload["signals"][:-1]] == \
        [(f"2025-{m:02d}", 2) for m in range(1, 12)]
    with db.reader() as s:
        logged = s.exec(select(Event).where(Event.kind == "indicator_signal")).all()
        assert len(logged) == 1 and logged[0].after["signals"][-1]["side"] == "above"
        rows = s.exec(select(Outbox).where(Outbox.event_id == logged[0].id)).all()
        hooks = [r for r in rows if r.channel == "webhook"]
        assert len(hooks) == 1 and hooks[0].kind == "indicator.signal"
        assert hooks[0].payload["type"] == "nl.verbeterbord.indicator.signal"
        assert hooks[0].payload["data"]["indicator_id"] == indicator_id
        mails = sorted(r.person_id for r in rows if r.channel == "mail")
        assert mails == sorted([world.bert, world.carla])  # not Anna, who entered it
        with app.app_context(), app.test_request_context():
            _person, mail = compose(s, next(r for r in rows if r.channel == "mail"))
        assert mail.subject == "Een signaal bij Wachttijd"
        assert "2025-12: boven de bovengrens" in mail.lines
    sent.clear()
    again = anna.client.put(f"/api/v1/indicators/{indicator_id}/values/2025-12",
                            json={"value": 31}, headers=anna._headers())
    assert again.status_code == 200
    assert [e for e, _p, _to in sent] == ["indicator.changed"]  # the signal was already there


def test_the_signal_choice_stops_the_mail(db, world):
    """Bert switched signals off: only Carla gets the mail."""
    from boards import notifications
    indicator_id = add_indicator(db, world, text=CALM)
    with unit_of_work(db) as s:
        notifications.save_choices(s, world.bert, {"digest", "reminders"})
    with unit_of_work(db) as s:
        change = indicators.paste_values(s, world.anna, indicator_id, "2025-12;30")
        s.commit()
        assert change.signal is not None
    with db.reader() as s:
        mails = s.exec(select(Outbox.person_id).where(Outbox.channel == "mail",
                                                      Outbox.kind == "indicator_signal")).all()
        assert mails == [world.carla]


def _months_up_to_now(session, count):
    from boards.periods import current_period
    now = current_period(session, "month").ordinal
    return [f"{o // 12:04d}-{o % 12 + 1:02d}" for o in range(now - count + 1, now + 1)]


def test_the_cycle_review_lists_its_signals(client, db, world):
    """/cycles/<n> names the signal of this month (a period sharing days with the cycle) with
    its indicator, goal and words; a cycle-less page says there are none."""
    from .conftest import login
    with db.reader() as s:
        months = _months_up_to_now(s, 12)
    text = "\n".join(f"{m};{v}" for m, v in zip(months, (8, 9, 8, 10, 9, 8, 9, 10, 8, 9, 9, 30),
                                                   strict=True))
    login(client, "anna@test.example")
    empty = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    assert "Geen enkele indicator toonde een signaal" in empty
    indicator_id = add_indicator(db, world, text=text)
    page = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    section = page[page.index('id="signals"'):]
    section = section[:section.index("</section>")]
    assert f'href="/goals/{world.short_goal}#indicator-{indicator_id}">Wachttijd</a>' in section
    assert f"{months[-1]}: boven de bovengrens" in section
    assert months[0] not in section  # a year ago: another cycle's

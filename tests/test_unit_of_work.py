"""One unit of work per write: services never commit; the unit of work commits once, with the
outbox messages of the Events its services recorded, or rolls all of it back."""

import ast
from pathlib import Path

import pytest
from sqlmodel import select

from boards import actions, webhooks
from boards.errors import Forbidden
from boards.models import Action, Event, Outbox
from boards.unit_of_work import unit_of_work

BOARDS = Path(__file__).resolve().parent.parent / "boards"
# The modules that own transactions: the unit of work (writes) and db.py (ending a read).
TRANSACTION_OWNERS = {"unit_of_work.py", "db.py"}


def test_no_service_commits():
    """No module in boards/ but the transaction's owners calls `commit`."""
    calls = [f"{path.name}:{node.lineno}"
             for path in sorted(BOARDS.glob("*.py")) if path.name not in TRANSACTION_OWNERS
             for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Attribute) and node.attr == "commit"]
    assert calls == []


def _webhook(db, world):
    with unit_of_work(db) as session:
        webhooks.create_webhook(session, world.admin, url="https://hooks.example.nl/in",
                                secret="s" * 20, kinds=["*"])


def test_a_write_commits_with_its_outbox_messages(db, world):
    """A move's Event and the webhook call it asks for are written together."""
    _webhook(db, world)
    with unit_of_work(db) as session:
        card = actions.create_action(session, world.anna, world.wonen, title="Wachtrij").action
    with unit_of_work(db) as session:
        moved = actions.move_action(session, world.anna, card.id, status="doing",
                                    version=card.version)
    with db.reader() as session:
        calls = session.exec(select(Outbox).where(Outbox.channel == "webhook",
                                                  Outbox.kind == "moved")).all()
    assert [call.event_id for call in calls] == [moved.event.id]
    assert calls[0].payload["data"]["status"] == "doing"


def test_a_failing_service_rolls_back_every_earlier_one(db, world):
    """Two services in one unit of work: when the second fails, the first's card, its Event and
    its webhook call are gone too."""
    _webhook(db, world)
    with pytest.raises(Forbidden), unit_of_work(db) as session:
        actions.create_action(session, world.anna, world.wonen, title="Half werk")
        actions.create_action(session, world.carla, world.wonen, title="Niet van Carla")
    with db.reader() as session:
        assert session.exec(select(Action).where(Action.title == "Half werk")).first() is None
        assert session.exec(select(Event).where(Event.kind == "created")).all() == []
        assert session.exec(select(Outbox).where(Outbox.kind == "created")).all() == []

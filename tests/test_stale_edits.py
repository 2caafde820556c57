"""Edits from an open dialog based on an older version: merged, or refused naming the clash."""

from datetime import date

import pytest

from boards import actions
from boards.errors import Conflict
from boards.stale_edits import EditConflict
from boards.unit_of_work import unit_of_work

from .test_services import create, events_of, move

# What the edit dialog posts: every field, typed or as it was shown.
SHOWN = {"title": "Belscript aanpassen", "notes": "", "due_date": None}


def dialog_save(db, world, action_id, version, actor=None, **typed):
    """Save the dialog as it posts: all fields, `typed` ones changed."""
    with unit_of_work(db) as s:
        return actions.edit_action_merging(s, actor or world.anna, action_id, version=version,
                                           fields={"owner_id": world.anna, "goal_id": None,
                                                   **SHOWN, **typed}).action


def edit(db, actor, action_id, version, **fields):
    with unit_of_work(db) as s:
        return actions.edit_action(s, actor, action_id, version=version, fields=fields).action


def test_a_move_since_the_dialog_opened_does_not_block_the_save(db, world):
    """Opened at version 1, the card is moved by Bert, Anna's save still lands on version 3."""
    action = create(db, world)
    moved = move(db, world.bert, action, "doing")

    saved = dialog_save(db, world, action.id, 1, title="Belscript herschrijven", notes="Met team")

    assert (saved.version, saved.status, saved.position) == (3, "doing", moved.position)
    assert (saved.title, saved.notes) == ("Belscript herschrijven", "Met team")
    assert [e.kind for e in events_of(db, action.id)] == ["created", "moved", "edited"]


def test_different_fields_changed_by_two_people_are_both_kept(db, world):
    """Bert changes the notes, Anna (dialog from version 1) the title: both stay."""
    action = create(db, world)
    edit(db, world.bert, action.id, 1, notes="Bert's aantekening")

    saved = dialog_save(db, world, action.id, 1, title="Nieuwe titel")

    assert (saved.title, saved.notes, saved.version) == ("Nieuwe titel", "Bert's aantekening", 3)
    entry = events_of(db, action.id)[-1]
    assert entry.before["notes"] == entry.after["notes"] == "Bert's aantekening"


def test_the_same_field_changed_by_someone_else_is_a_conflict(db, world):
    """Both change the title: refused, naming the title; nothing is written."""
    action = create(db, world)
    edit(db, world.bert, action.id, 1, title="Bert's titel")

    with pytest.raises(EditConflict) as refused:
        dialog_save(db, world, action.id, 1, title="Anna's titel", notes="Ook notities")

    assert refused.value.clashes == ["title"]
    assert refused.value.changed == ["notes", "title"]
    assert refused.value.code == "conflict"
    assert len(events_of(db, action.id)) == 2
    # Saving again over the version the conflict showed overwrites, as the person chose.
    saved = dialog_save(db, world, action.id, 2, title="Anna's titel", notes="Ook notities")
    assert (saved.title, saved.notes, saved.version) == ("Anna's titel", "Ook notities", 3)


def test_the_same_change_made_twice_is_no_conflict(db, world):
    """Bert already set the due date Anna sets: no clash, and nothing else changes."""
    action = create(db, world)
    due = date.today()
    edit(db, world.bert, action.id, 1, due_date=due)

    saved = dialog_save(db, world, action.id, 1, due_date=due)

    assert (saved.due_date, saved.version) == (due, 2)


def test_without_merge_an_older_version_is_still_refused(db, world):
    """The API keeps strict versions: any change since is a conflict."""
    action = create(db, world)
    move(db, world.bert, action, "doing")

    with pytest.raises(Conflict) as refused:
        edit(db, world.anna, action.id, 1, title="Nieuw")

    assert not isinstance(refused.value, EditConflict)


def test_merging_is_not_a_field_the_api_can_send(db, world):
    """A `merge` key in an API body is an unknown field, as before."""
    action = create(db, world)
    with pytest.raises(actions.Invalid):
        edit(db, world.anna, action.id, 1, title="Nieuw", merge=True)


@pytest.mark.parametrize("version", [None, 0, 9, "1"])
def test_merge_accepts_only_a_known_older_version(db, world, version):
    """A missing, future or malformed version is refused as before, merge or not."""
    action = create(db, world)
    move(db, world.bert, action, "doing")

    with pytest.raises((Conflict, actions.Invalid)):
        dialog_save(db, world, action.id, version, title="Nieuw")

"""The edit dialog stays open, with what was typed, while others move or change the card."""

import pytest
from playwright.sync_api import expect

from .conftest import BOARD, MOHAMED, SANNE
from .helpers import DOING, card, click_move, expect_in_column, expect_saved, tool

pytestmark = pytest.mark.browser


def open_editor(page, action_id):
    """Press the card's edit button; the dialog opens with the card's form."""
    tool(page, action_id, "button.edit").click()
    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#edit-title")).to_be_focused()


def save(page):
    page.click("#editor button[type=submit]")


@pytest.mark.parametrize("path", [BOARD, f"{BOARD}/standup", "/me"], ids=["board", "standup", "me"])
def test_the_dialog_survives_a_move_by_someone_else(new_page, api, path):
    """Mohamed moves the card Sanne is editing: her dialog and text stay, and her save lands."""
    action_id = api.create(top=True)
    page, other = new_page(SANNE, path=path), new_page(MOHAMED)
    open_editor(page, action_id)
    page.fill("#edit-title", "Wachttijden aan de balie meten")
    page.fill("#edit-notes", "Twee weken lang, ochtend en middag")

    click_move(other, action_id, 1)
    expect_saved(other, action_id, DOING)
    expect_in_column(page, action_id, DOING, timeout=3_000)  # the board behind the dialog follows

    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#edit-title")).to_have_value("Wachttijden aan de balie meten")
    expect(page.locator("#edit-notes")).to_have_value("Twee weken lang, ochtend en middag")
    save(page)

    expect(page.locator("#editor")).to_be_hidden()
    expect(card(page, action_id)).to_have_attribute("data-title", "Wachttijden aan de balie meten")
    expect_in_column(page, action_id, DOING)
    expect(page.locator("#messages .flash-error")).to_have_count(0)
    saved = api.action(action_id)
    assert (saved["title"], saved["notes"], saved["status"]) == (
        "Wachttijden aan de balie meten", "Twee weken lang, ochtend en middag", DOING)
    expect(card(page, action_id).locator("button.edit")).to_be_focused()
    assert page.errors == []


def test_a_clash_on_the_same_field_is_shown_in_the_dialog(new_page, api, api_as):
    """Mohamed changes the title Sanne is changing: her save is refused in the dialog, her text
    stays, the clash is named with his title; saving again keeps hers."""
    action_id = api.create(top=True)
    page = new_page(SANNE)
    open_editor(page, action_id)
    page.fill("#edit-title", "Sanne's titel")
    page.fill("#edit-notes", "Sanne's notitie")

    api_as(MOHAMED).edit(action_id, title="Mohamed's titel")
    expect(card(page, action_id)).to_have_attribute("data-title", "Mohamed's titel")
    save(page)

    dialog = page.locator("#editor")
    expect(dialog.locator("[data-messages]")).to_contain_text("‘Titel’")
    expect(dialog).to_be_visible()
    expect(page.locator("#edit-title")).to_have_value("Sanne's titel")
    expect(page.locator("#edit-notes")).to_have_value("Sanne's notitie")
    expect(page.locator("#edit-title-now")).to_contain_text("Mohamed's titel")
    expect(page.locator("#edit-title")).to_be_focused()
    assert api.action(action_id)["title"] == "Mohamed's titel"  # nothing of hers was saved

    save(page)

    expect(dialog).to_be_hidden()
    saved = api.action(action_id)
    assert (saved["title"], saved["notes"]) == ("Sanne's titel", "Sanne's notitie")
    expect(card(page, action_id)).to_have_attribute("data-title", "Sanne's titel")
    assert page.errors == []


def test_cancel_after_a_clash_keeps_the_other_change(new_page, api, api_as):
    """After the clash Sanne cancels: Mohamed's notes stay, and the board shows his version."""
    action_id = api.create(top=True)
    page = new_page(SANNE)
    open_editor(page, action_id)
    page.fill("#edit-notes", "Sanne's notitie")
    theirs = api_as(MOHAMED).edit(action_id, notes="Mohamed's notitie")
    save(page)
    expect(page.locator("#edit-notes-now")).to_contain_text("Mohamed's notitie")
    expect(page.locator("#edit-notes")).to_be_focused()  # the clashing field, not the first one

    page.click("#editor button[data-close]")

    expect(page.locator("#editor")).to_be_hidden()
    expect(card(page, action_id)).to_have_attribute("data-version", str(theirs["version"]))
    assert api.action(action_id)["notes"] == "Mohamed's notitie"

"""Reading and driving the board the way a person does: cards, columns, drags, keys."""

import re

from playwright.sync_api import expect

TODO, DOING, DONE = "todo", "doing", "done"
TITLES = {TODO: "Te doen", DOING: "Mee bezig", DONE: "Klaar"}


def card(page, action_id):
    """The card's element(s); more than one would be a duplicate."""
    return page.locator(f'[id="action-{action_id}"]')


def card_in(page, action_id, status):
    """The card as a direct child of the column `status`."""
    return page.locator(f'[data-column="{status}"] > [id="action-{action_id}"]')


def expect_in_column(page, action_id, status, timeout=2_000):
    """The card shows exactly once on the page, in column `status`."""
    expect(card_in(page, action_id, status)).to_have_count(1, timeout=timeout)
    expect(card(page, action_id)).to_have_count(1, timeout=timeout)


def expect_saved(page, action_id, status, timeout=5_000):
    """The move was acknowledged: the card says `status` and is no longer busy."""
    expect(page.locator(f'[id="action-{action_id}"][data-status="{status}"]:not([aria-busy])')
           ).to_have_count(1, timeout=timeout)


def column_of(page, action_id):
    """The column key the card sits in right now, or None."""
    return page.evaluate(
        "id => { const c = document.getElementById(id); "
        "return c && c.parentElement.dataset.column; }",
        f"action-{action_id}",
    )


def tool(page, action_id, selector):
    """One of the card's buttons, pointed at as a mouse does: compact cards show their buttons
    only while the card is pointed at or has focus."""
    card(page, action_id).hover()
    return card(page, action_id).locator(selector)


def click_move(page, action_id, step):
    """Press the card's ◀ (step -1) or ▶ (step 1) button."""
    tool(page, action_id, f'button[data-move="{step}"]').click()


def drag_card(page, action_id, status, grab=None):
    """Drag the card with the mouse onto the top of column `status` (SortableJS, native DnD),
    as a hand does: press, wait until the drag has started, move over the column, and let go
    only once the card shows there. `grab`: the part of the card pressed (a selector inside it,
    pressed in its middle), else near the card's top."""
    source = card(page, action_id)
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    target = page.locator(f'[data-column="{status}"]').bounding_box()
    start = (box["x"] + box["width"] / 2, box["y"] + 12)
    if grab:
        part = source.locator(grab).bounding_box()
        start = (part["x"] + part["width"] / 2, part["y"] + part["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 6, start[1] + 6, steps=3)
    # Sortable marks the card once the drag has started; a busy machine is slow to say so.
    expect(source).to_have_class(re.compile(r"\bsortable-ghost\b"))
    x, y = target["x"] + target["width"] / 2, target["y"] + 24
    page.mouse.move(x, y, steps=15)
    hovering = card_in(page, action_id, status)
    # A browser repeats `dragover` while the pointer rests over a column; this pointer sends one
    # only when it moves, and Sortable can pass over one (while cards animate, for one). So the
    # pointer keeps moving a little, as a hand does, for up to 3 s.
    for step in range(20):
        if hovering.count() == 1:
            break
        page.mouse.move(x + 4 + step % 3, y + 6, steps=2)
        page.wait_for_timeout(150)
    expect(hovering).to_have_count(1)  # hovering: the card shows there
    page.mouse.up()


def keyboard_move(page, action_id, *keys):
    """Focus the card, press Space, then `keys`, then Space (pick up, move, put down)."""
    card(page, action_id).focus()
    for key in ("Space", *keys, "Space"):
        page.keyboard.press(key)


def focused_id(page):
    """The id of the element that has focus."""
    return page.evaluate("document.activeElement && document.activeElement.id")


def click_at_same_time(pages_and_selectors, delay_ms=400):
    """Click one selector in each page at the same wall-clock instant (same machine clock)."""
    at = pages_and_selectors[0][0].evaluate("Date.now()") + delay_ms
    for page, selector in pages_and_selectors:
        page.evaluate("""([selector, at]) => {
            window.setTimeout(() => document.querySelector(selector).click(), at - Date.now());
        }""", [selector, at])
    pages_and_selectors[0][0].wait_for_timeout(delay_ms + 50)

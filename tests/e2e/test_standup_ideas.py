"""The stand-up walks the team's new ideas after the people: an idea posted meanwhile arrives,
a member adopts it from its step and its card appears; axe-core finds nothing on that step."""

import uuid

import pytest
from playwright.sync_api import expect

from .conftest import SANNE
from .test_screens import axe_violations, overflow
from .test_standup import STANDUP, standup_data

pytestmark = pytest.mark.browser

END = "Einde van de stand-up"


def post_idea(api, title):
    """Post an idea to klantcontact through the API, as someone else would; its id."""
    response = api.http.post(f"{api.base_url}/api/v1/teams/klantcontact/ideas",
                             json={"title": title, "text": "Zodat inwoners minder lang wachten."})
    assert response.status_code == 201, response.text
    return response.json()["idea"]["id"]


def test_member_walks_to_a_new_idea_and_adopts_it(new_page, api):
    """After the last person the walk shows the idea posted meanwhile (newest new idea first),
    with its text and the decisions; adopting it takes it out of the walk and its card arrives
    in To do."""
    title = f"E2E-standup-idee {uuid.uuid4().hex[:6]}"
    page = new_page(SANNE, path=STANDUP, bypass_csp=True)
    people = len(standup_data(page)["members"])
    idea_id = post_idea(api, title)
    step = page.locator(f"#standup-idea-{idea_id}")
    expect(step).to_have_count(1, timeout=3_000)  # arrived live
    expect(step).to_be_hidden()

    for _ in range(people + 1):  # everyone → each person → the first new idea
        page.keyboard.press("ArrowRight")
    label = page.locator("#current-person")
    expect(label).to_contain_text("Nieuw idee 1 van")
    expect(label).to_contain_text(title)
    expect(label).to_have_attribute("aria-live", "polite")
    expect(step).to_be_visible()
    expect(step).to_contain_text("Zodat inwoners minder lang wachten.")
    expect(page.locator("#columns")).to_be_hidden()
    assert axe_violations(page) == []

    step.get_by_role("button", name="Omzetten in actie").click()

    expect(step).to_have_count(0, timeout=3_000)
    expect(label).not_to_contain_text(title)
    expect(page.locator("#next-person")).to_be_focused()
    card = page.locator("[data-column=todo] article", has_text=title)
    expect(card).to_have_count(1, timeout=3_000)
    for _ in range(people + 20):  # on round to everyone, where the new card shows
        if label.inner_text() == "Iedereen":
            break
        page.keyboard.press("ArrowRight")
    expect(label).to_have_text("Iedereen")
    expect(card).to_be_visible()
    assert page.errors == []


def test_the_walk_ends_with_an_end_step_after_the_ideas(new_page, api):
    """Previous from everyone goes to the end step when there are new ideas, and stays there
    when another idea arrives; next returns to everyone."""
    post_idea(api, f"E2E-standup-idee {uuid.uuid4().hex[:6]}")
    page = new_page(SANNE, path=STANDUP)
    page.click("#prev-person")
    expect(page.locator("#current-person")).to_have_text(END)
    expect(page.locator("#standup-end")).to_be_visible()
    arrived = post_idea(api, f"E2E-standup-idee {uuid.uuid4().hex[:6]}")
    expect(page.locator(f"#standup-idea-{arrived}")).to_have_count(1, timeout=3_000)
    expect(page.locator("#current-person")).to_have_text(END)  # a new idea keeps the end the end
    expect(page.locator("#standup-end")).to_be_visible()
    page.click("#next-person")
    expect(page.locator("#current-person")).to_have_text("Iedereen")
    expect(page.locator("#standup-ideas")).to_be_hidden()


def test_an_idea_step_on_a_phone_passes_axe(new_page, api):
    """At 360 px an idea's step with its decline form open: no sideways scrolling, no axe
    violations."""
    post_idea(api, f"E2E-standup-idee {uuid.uuid4().hex[:6]}")
    page = new_page(SANNE, path=STANDUP, viewport={"width": 360, "height": 740}, bypass_csp=True)
    page.click("#prev-person")
    page.click("#prev-person")  # the end step, then the last new idea
    expect(page.locator("#current-person")).to_contain_text("Nieuw idee")
    step = page.locator("#standup-ideas li.idea:not([hidden])")
    step.locator("details.goal-edit > summary", has_text="Afwijzen").click()
    expect(step.get_by_role("textbox", name="Reden (de indiener ziet deze)")).to_be_visible()
    assert overflow(page)["extra"] <= 0, overflow(page)
    assert axe_violations(page) == []

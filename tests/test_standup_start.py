"""Starting a stand-up from its page: logged once per press; the page's own script gets an empty
answer (it shows the start itself), a plain form post a redirect that says so."""

from sqlmodel import select

from boards.models import Event

from .conftest import login

START = "/teams/wonen/standup/start"


def starts(db, world):
    with db.reader() as s:
        return s.exec(select(Event.person_id).where(Event.kind == "standup_started",
                                                    Event.team_id == world.wonen_id)).all()


def test_start_answers_htmx_empty_and_a_form_with_a_message(client, db, world):
    """htmx: 204 and logged; a plain post: back to the stand-up, which says it has started."""
    login(client, "anna@test.example")
    assert client.post(START, headers={"HX-Request": "true"}).status_code == 204
    assert starts(db, world) == [world.anna]
    response = client.post(START, follow_redirects=True)
    assert response.request.path == "/teams/wonen/standup"
    assert "De stand-up is gestart." in response.get_data(as_text=True)
    assert starts(db, world) == [world.anna, world.anna]


def test_the_page_posts_the_start_with_htmx(client, db, world):
    """The button's form posts with htmx (so the walk and timer keep running) and has a place to
    say when the stand-up started."""
    login(client, "anna@test.example")
    page = client.get("/teams/wonen/standup").get_data(as_text=True)
    assert f'hx-post="{START}"' in page and 'id="standup-started"' in page

"""Starting a stand-up from its page: logged once per press; the page's own script gets an empty
answer (it shows the start itself), a plain form post a redirect that says so."""

from sqlmodel import select

from boards import ideas
from boards.models import Event
from boards.unit_of_work import unit_of_work

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


def test_the_page_lists_the_new_ideas_with_the_decisions(client, db, world):
    """The walk's idea steps: each new idea with its author and the decision forms (posting to
    the ideas' own route, answered without a swap); a decided idea is not among them. The part
    re-read live says the same."""
    with unit_of_work(db) as s:
        fresh = ideas.post_idea(s, world.carla, world.wonen, title="Wachtrij zichtbaar maken",
                                text="Inwoners zien hoe lang ze wachten.").idea
        decided = ideas.post_idea(s, world.carla, world.wonen, title="Balie op zaterdag").idea
        ideas.discuss_idea(s, world.anna, decided.id, version=1)
        s.commit()
        fresh_id, decided_id = fresh.id, decided.id
    login(client, "anna@test.example")
    for url in ("/teams/wonen/standup", "/teams/wonen/standup/ideas"):
        page = client.get(url).get_data(as_text=True)
        assert 'id="standup-ideas"' in page and 'id="standup-end"' in page
        assert f'id="standup-idea-{fresh_id}"' in page
        assert "Wachtrij zichtbaar maken" in page and "Inwoners zien hoe lang ze wachten." in page
        assert f'hx-post="/teams/wonen/ideas/{fresh_id}"' in page
        assert 'hx-target="#standup-ideas" hx-swap="none"' in page
        assert "Omzetten in actie" in page and "Afwijzen" in page
        assert f'standup-idea-{decided_id}"' not in page and "Balie op zaterdag" not in page

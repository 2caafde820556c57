"""Realistic test data, built through the services."""

from dataclasses import dataclass
from datetime import date, timedelta

from boards import catalog, people
from boards.cycles import current_cycle
from boards.unit_of_work import unit_of_work

PASSWORD = "correct horse battery"


@dataclass
class World:
    """Ids of what a test needs: people, teams, goals."""

    admin: int
    anna: int  # member of team "wonen"
    bert: int  # member of team "wonen"
    carla: int  # member of team "zorg" only
    wonen: str
    zorg: str
    wonen_id: int
    zorg_id: int
    short_goal: int
    long_goal: int
    cycle: int


def build_world(db):
    """Organisation, four people, two teams, one ambition with goals, the current cycle."""
    with unit_of_work(db) as s:
        today = date.today()
        catalog.setup_organisation(
            s,
            name="Werkorganisatie Test",
            municipalities=["Gilze en Rijen"],
            first_cycle_start=today - timedelta(days=today.weekday() + 14),
        )
        admin = people.create_person(s, name="Ada Admin", email="admin@test.example",
                                     password=PASSWORD, is_admin=True)
        anna = people.create_person(
            s, name="Anna Ëlsen", email="anna@test.example", password=PASSWORD
        )
        bert = people.create_person(
            s, name="Bert Bakker", email="bert@test.example", password=PASSWORD
        )
        carla = people.create_person(
            s, name="Carla Çelik", email="carla@test.example", password=PASSWORD
        )
        ambition = catalog.create_ambition(s, admin.id, title="Dienstverlening dichtbij")
        long_goal = catalog.create_goal(s, admin.id, ambition_id=ambition.id, horizon="long",
                                        title="Klanttevredenheid een 8")
        short_goal = catalog.create_goal(s, admin.id, ambition_id=ambition.id, horizon="short",
                                         title="Terugbellen binnen een dag", parent_id=long_goal.id)
        wonen = catalog.create_team(s, admin.id, name="Wonen", ambition_ids=[ambition.id])
        zorg = catalog.create_team(s, admin.id, name="Zorg", ambition_ids=[ambition.id])
        for person in (anna, bert):
            catalog.add_member(s, admin.id, wonen.id, person.id)
        catalog.add_member(s, admin.id, zorg.id, carla.id)
        cycle = current_cycle(s)
        return World(admin.id, anna.id, bert.id, carla.id, wonen.slug, zorg.slug, wonen.id, zorg.id,
                     short_goal.id, long_goal.id, cycle.number)


def add_indicator(db, world, name="Wachttijd", text="2025-01;7,9\n2025-02;8"):
    """A monthly indicator of the world's short-term goal with a few values; its id."""
    from boards import indicators
    with unit_of_work(db) as s:
        made = indicators.create_indicator(s, world.admin, world.short_goal, name=name,
                                           unit="dagen", direction="down", period="month")
        indicators.paste_values(s, world.admin, made.indicator.id, text)
        s.commit()
        return made.indicator.id

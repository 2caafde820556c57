"""Demo organisation: realistic Dutch municipal content, built through the services."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from . import actions, catalog, people
from .cycles import current_cycle, today_local
from .models import Ambition, Membership, Organisation, Team
from .password_policy import PasswordContext, check_password, context_words, person_words

ORGANISATION = "ABG-organisatie"
MUNICIPALITIES = ("Alphen-Chaam", "Baarle-Nassau", "Gilze en Rijen")
DOMAIN = "abg.example"

AMBITIONS = [
    ("Dienstverlening dichtbij", "Inwoners en ondernemers worden snel, persoonlijk en digitaal geholpen.",
     "#1f6feb", [
         ("Klanttevredenheid minimaal een 8 in 2027", [
             "Terugbelverzoeken binnen één werkdag afgehandeld",
             "Veelgestelde vragen op de website herschreven in B1-taal"]),
         ("Alle producten ook digitaal aan te vragen", [
             "Verhuizing en uittreksel volledig online"]),
     ]),
    ("Duurzaam en klimaatbestendig", "Samen met inwoners werken we aan een energieneutrale regio.",
     "#1a7f37", [
         ("Gemeentelijk vastgoed energieneutraal in 2030", [
             "Zonnepanelen op gemeentehuis Gilze en Rijen",
             "Energiescan van alle gemeenschapshuizen"]),
         ("Klimaatadaptatie in elke kern", [
             "Tegelwippen-actie in drie kernen"]),
     ]),
    ("Wonen en leefbare kernen", "Voldoende betaalbare woningen en vitale dorpen.",
     "#9a6700", [
         ("500 nieuwe woningen in de drie gemeenten", [
             "Bestemmingsplan Chaam-Oost naar de raad",
             "Starterswoningen Baarle-Nassau: aanbesteding gestart"]),
         ("Leefbaarheid in de kernen versterkt", [
             "Dorpsraden betrokken bij omgevingsvisie"]),
     ]),
    ("Wendbare en digitale organisatie", "Een organisatie die leert, samenwerkt en data benut.",
     "#8250df", [
         ("Informatieveilig werken op orde (BIO)", [
             "Alle medewerkers volgen de phishing-training",
             "Verwerkingsregister volledig en actueel"]),
         ("Datagedreven sturen", [
             "Dashboard doorlooptijden vergunningen"]),
     ]),
]

TEAMS = [
    ("Klantcontact", "klantcontact", [0, 3]),
    ("Ruimte en Wonen", "ruimte-wonen", [2, 1]),
    ("Duurzaamheid en Milieu", "duurzaamheid", [1]),
    ("Informatievoorziening", "informatievoorziening", [3, 0]),
]

PEOPLE = [
    ("Ingrid de Vries", "Gilze en Rijen"), ("Mohamed El Amrani", "Alphen-Chaam"),
    ("Sanne Jansen", "Baarle-Nassau"), ("Pieter van den Broek", "Gilze en Rijen"),
    ("Fatima Yilmaz", "Alphen-Chaam"), ("Joost Verhoeven", "Baarle-Nassau"),
    ("Lotte Bakker", "Gilze en Rijen"), ("Kees van Dijk", "Alphen-Chaam"),
    ("Noor Hendriks", "Baarle-Nassau"), ("Bram de Groot", "Gilze en Rijen"),
    ("Eva Smits", "Alphen-Chaam"), ("Ruud Koster", "Baarle-Nassau"),
    ("Anouk van Leeuwen", "Gilze en Rijen"), ("Hamza Bouzid", "Alphen-Chaam"),
    ("Marieke Willems", "Baarle-Nassau"), ("Thijs Mulder", "Gilze en Rijen"),
    ("Chantal Peeters", "Alphen-Chaam"), ("Wim Schouten", "Baarle-Nassau"),
    ("Yvonne van Gorp", "Gilze en Rijen"), ("Daan Brouwers", "Alphen-Chaam"),
]
# Person index -> team indexes; person 1 and 6 work in two teams.
TEAM_OF = {0: [], 1: [0, 3], 2: [0], 3: [0], 4: [0], 5: [1], 6: [1, 2], 7: [1], 8: [1],
           9: [2], 10: [2], 11: [2], 12: [3], 13: [3], 14: [3], 15: [0], 16: [1], 17: [2],
           18: [3], 19: [0]}
DELEGATES = {0: 2, 1: 5, 2: 9, 3: 12}

ACTION_TITLES = [
    "Belscript terugbelverzoeken aanpassen", "Wachttijden telefoon per dag meten",
    "Webteksten paspoort en ID-kaart herschrijven", "Klantreis verhuizing in kaart brengen",
    "Balieafspraken Baarle-Nassau evalueren", "Feedbackformulier op website plaatsen",
    "Overleg met Dorpsraad Ulvenhout-Bosch plannen", "Reacties omgevingsvisie verwerken",
    "Raadsvoorstel Chaam-Oost schrijven", "Grondprijzen starterswoningen laten taxeren",
    "Aanbestedingsdocumenten controleren", "Informatieavond wonen in Riel organiseren",
    "Offertes zonnepanelen opvragen", "Energiescan Gemeenschapshuis Chaam inplannen",
    "Tegelwippen-campagne met communicatie afstemmen", "Subsidie regenton uitzetten",
    "Laadpalenplan bespreken met wethouder", "Afvalinzameling Gilze evalueren",
    "Phishing-training inplannen voor team Publiekszaken", "Verwerkingsregister aanvullen",
    "Dashboard doorlooptijden testen met afdeling Vergunningen", "Back-up procedure controleren",
    "Wachtwoordbeleid communiceren via intranet", "Datakwaliteit BAG-registratie nalopen",
    "Inventarisatie verouderde applicaties", "Werkinstructie klachtafhandeling bijwerken",
    "Kennissessie B1-schrijven organiseren", "Evaluatie stand-up met het team",
    "Contact opnemen met woningcorporatie Leystromen", "Inspraakreacties bundelen",
    "Meetplan CO2-uitstoot wagenpark opstellen", "Groenonderhoud afstemmen met buitendienst",
]


def demo_first_cycle_start(today):
    """The Monday on or before 1 January, so cycle numbers count the weeks of the year."""
    new_year = date(today.year, 1, 1)
    return new_year - timedelta(days=new_year.weekday())


def check_demo_password(password):
    """Raise Invalid unless every demo person may use this password, before anything is
    seeded (each person is committed as created: a refusal halfway would leave half a demo)."""
    organisation = context_words(ORGANISATION, *MUNICIPALITIES)
    for name, _office in PEOPLE:
        check_password(password, PasswordContext(person_words(name, _email(name)), organisation))


def seed_demo(session, password, today=None, rng=None):
    """Create the demo organisation on an empty database; returns the logins."""
    if session.exec(select(Organisation)).first() is not None:
        return None
    today = today or today_local()
    rng = rng or random.Random(2026)
    catalog.setup_organisation(session, name=ORGANISATION, municipalities=MUNICIPALITIES,
                               first_cycle_start=demo_first_cycle_start(today))
    staff = [people.create_person(session, name=name, email=_email(name), password=password,
                                  home_office=office, is_admin=(i == 0))
             for i, (name, office) in enumerate(PEOPLE)]
    admin_id = staff[0].id
    short_goals = _seed_goals(session, admin_id)
    teams = _seed_teams(session, admin_id, staff)
    _seed_actions(session, admin_id, teams, staff, short_goals, rng, today)
    return demo_logins(session, staff)


@dataclass
class DemoLogin:
    """One printed demo login: who it is and where they sit."""

    name: str
    email: str
    teams: list
    is_admin: bool
    # The team this person represents in the Team van teams, if any.
    delegate_for: str | None
    in_team_of_teams: bool


def demo_logins(session, staff):
    """Each person's teams, read back from the database, with admins and delegates marked."""
    teams = {t.id: t for t in session.exec(select(Team)).all()}
    delegates = {t.delegate_id: t.name for t in teams.values() if t.delegate_id}
    member_of = {}
    for m in session.exec(select(Membership)).all():
        member_of.setdefault(m.person_id, []).append(teams[m.team_id])
    logins = []
    for person in staff:
        own = sorted(member_of.get(person.id, []), key=lambda t: (t.kind != "team", t.name))
        logins.append(DemoLogin(
            name=person.name, email=person.email, teams=[t.name for t in own],
            is_admin=person.is_admin, delegate_for=delegates.get(person.id),
            in_team_of_teams=any(t.kind == "team_of_teams" for t in own)))
    return logins


def _email(name):
    local = name.lower().replace(" ", ".").replace("'", "")
    return f"{local}@{DOMAIN}"


def _seed_goals(session, admin_id):
    short_goals = {}
    for order, (title, description, colour, long_goals) in enumerate(AMBITIONS):
        ambition = catalog.create_ambition(session, admin_id, title=title, description=description,
                                           colour=colour, order=order)
        short_goals[order] = []
        for long_title, shorts in long_goals:
            long_goal = catalog.create_goal(session, admin_id, ambition_id=ambition.id,
                                            horizon="long", title=long_title)
            for short_title in shorts:
                short_goals[order].append(catalog.create_goal(
                    session, admin_id, ambition_id=ambition.id, horizon="short",
                    title=short_title, parent_id=long_goal.id))
    return short_goals


def _seed_teams(session, admin_id, staff):
    ambition_ids = _ambition_ids(session)
    teams = []
    for name, slug, ambition_indexes in TEAMS:
        team = catalog.create_team(session, admin_id, name=name, slug=slug,
                                   ambition_ids=[ambition_ids[i] for i in ambition_indexes])
        teams.append(team)
    tvt = catalog.create_team(session, admin_id, name="Team van teams", slug="team-van-teams",
                              kind="team_of_teams", ambition_ids=ambition_ids)
    for person_index, team_indexes in TEAM_OF.items():
        for t in team_indexes:
            catalog.add_member(session, admin_id, teams[t].id, staff[person_index].id,
                               delegate=DELEGATES.get(t) == person_index)
    for delegate in list(DELEGATES.values()) + [0]:
        catalog.add_member(session, admin_id, tvt.id, staff[delegate].id)
    return teams


def _ambition_ids(session):
    return [a.id for a in session.exec(select(Ambition).order_by(Ambition.order)).all()]


def _seed_actions(session, admin_id, teams, staff, short_goals, rng, today):
    cycle = current_cycle(session, today)
    titles = list(ACTION_TITLES)
    for n in range(60):
        t = n % len(teams)
        team = teams[t]
        members = [i for i, ts in TEAM_OF.items() if t in ts]
        goals = [g for a in TEAMS[t][2] for g in short_goals[a]]
        status = rng.choices(["todo", "doing", "done"], weights=[4, 3, 3])[0]
        change = actions.create_action(
            session, admin_id, team.slug, title=titles[n % len(titles)],
            owner_id=staff[rng.choice(members)].id,
            goal_id=rng.choice(goals).id if n % 9 else None, status=status,
            due_date=cycle.end - timedelta(days=rng.choice([0, 2, 4, 9])))
        if n % 17 == 5 and status != "done":
            actions.edit_action(session, admin_id, change.action.id, version=change.action.version,
                                fields={"needs_help": True, "help_reason":
                                        "Wachten op akkoord van het managementteam"})

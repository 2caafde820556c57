"""Demo organisation: realistic Dutch municipal content, built through the services."""
# ruff: noqa: E501  (the data tables below keep one card to a line)

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from . import actions, catalog, closing, people
from .cycles import current_cycle, today_local
from .models import Ambition, Membership, Organisation, Team
from .password_policy import PasswordContext, check_password, context_words, person_words
from .seed_ideas import seed_ideas
from .seed_indicators import seed_indicators

ORGANISATION = "ABG-organisatie"
MUNICIPALITIES = ("Alphen-Chaam", "Baarle-Nassau", "Gilze en Rijen")
DOMAIN = "abg.example"

AMBITIONS = [
    ("Dienstverlening dichtbij",
     "Inwoners en ondernemers worden snel, persoonlijk en digitaal geholpen.",
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

# Each team's cards: (title, the short-term goal it serves or None). Every goal is one of the
# team's ambitions' goals; no title repeats within a team, so no board shows a title twice.
CURRENT_ACTIONS = {
    "klantcontact": [
        ("Belscript terugbelverzoeken aanpassen",
         "Terugbelverzoeken binnen één werkdag afgehandeld"),
        ("Wachttijden telefoon per dag meten", "Terugbelverzoeken binnen één werkdag afgehandeld"),
        ("Webteksten paspoort en ID-kaart herschrijven",
         "Veelgestelde vragen op de website herschreven in B1-taal"),
        ("Kennissessie B1-schrijven organiseren",
         "Veelgestelde vragen op de website herschreven in B1-taal"),
        ("Klantreis verhuizing in kaart brengen", "Verhuizing en uittreksel volledig online"),
        ("Phishing-training inplannen voor team Publiekszaken",
         "Alle medewerkers volgen de phishing-training"),
        ("Balieafspraken Baarle-Nassau evalueren", None),
        ("Feedbackformulier op website plaatsen", None),
        ("Werkinstructie klachtafhandeling bijwerken", None),
        ("Evaluatie stand-up met het team", None),
    ],
    "ruimte-wonen": [
        ("Raadsvoorstel Chaam-Oost schrijven", "Bestemmingsplan Chaam-Oost naar de raad"),
        ("Inspraakreacties bundelen", "Bestemmingsplan Chaam-Oost naar de raad"),
        ("Grondprijzen starterswoningen laten taxeren",
         "Starterswoningen Baarle-Nassau: aanbesteding gestart"),
        ("Aanbestedingsdocumenten controleren",
         "Starterswoningen Baarle-Nassau: aanbesteding gestart"),
        ("Contact opnemen met woningcorporatie Leystromen",
         "Starterswoningen Baarle-Nassau: aanbesteding gestart"),
        ("Overleg met Dorpsraad Ulvenhout-Bosch plannen",
         "Dorpsraden betrokken bij omgevingsvisie"),
        ("Reacties omgevingsvisie verwerken", "Dorpsraden betrokken bij omgevingsvisie"),
        ("Groene daken meenemen in het woningbouwplan", "Tegelwippen-actie in drie kernen"),
        ("Informatieavond wonen in Riel organiseren", None),
    ],
    "duurzaamheid": [
        ("Offertes zonnepanelen opvragen", "Zonnepanelen op gemeentehuis Gilze en Rijen"),
        ("Constructieberekening dak gemeentehuis laten maken",
         "Zonnepanelen op gemeentehuis Gilze en Rijen"),
        ("Energiescan Gemeenschapshuis Chaam inplannen", "Energiescan van alle gemeenschapshuizen"),
        ("Resultaten energiescan Riel bespreken", "Energiescan van alle gemeenschapshuizen"),
        ("Tegelwippen-campagne met communicatie afstemmen", "Tegelwippen-actie in drie kernen"),
        ("Subsidie regenton uitzetten", "Tegelwippen-actie in drie kernen"),
        ("Groenonderhoud afstemmen met buitendienst", "Tegelwippen-actie in drie kernen"),
        ("Laadpalenplan bespreken met wethouder", None),
        ("Afvalinzameling Gilze evalueren", None),
        ("Meetplan CO2-uitstoot wagenpark opstellen", None),
    ],
    "informatievoorziening": [
        ("Verwerkingsregister aanvullen", "Verwerkingsregister volledig en actueel"),
        ("Verwerkersovereenkomsten verzamelen", "Verwerkingsregister volledig en actueel"),
        ("Wachtwoordbeleid communiceren via intranet",
         "Alle medewerkers volgen de phishing-training"),
        ("Phishing-simulatie voorbereiden", "Alle medewerkers volgen de phishing-training"),
        ("Dashboard doorlooptijden testen met afdeling Vergunningen",
         "Dashboard doorlooptijden vergunningen"),
        ("Datakwaliteit BAG-registratie nalopen", "Dashboard doorlooptijden vergunningen"),
        ("Koppeling e-formulier verhuizing testen", "Verhuizing en uittreksel volledig online"),
        ("Back-up procedure controleren", None),
        ("Inventarisatie verouderde applicaties", None),
    ],
}
# The previous cycle, closed by each team: (title, goal, status, decision for an unfinished card).
PREVIOUS_ACTIONS = {
    "klantcontact": [
        ("Terugbelnotities in het zaaksysteem vastleggen",
         "Terugbelverzoeken binnen één werkdag afgehandeld", "done", None),
        ("Top-10 vragen van de balie verzamelen",
         "Veelgestelde vragen op de website herschreven in B1-taal", "done", None),
        ("Formulier uittreksel BRP online testen",
         "Verhuizing en uittreksel volledig online", "doing", "carry"),
        ("Afspraak met webredactie over B1-toets",
         "Veelgestelde vragen op de website herschreven in B1-taal", "todo", "drop"),
    ],
    "ruimte-wonen": [
        ("Planning bestemmingsplan met griffie afstemmen",
         "Bestemmingsplan Chaam-Oost naar de raad", "done", None),
        ("Marktconsultatie starterswoningen voorbereiden",
         "Starterswoningen Baarle-Nassau: aanbesteding gestart", "doing", "carry"),
        ("Dorpsraad Baarle uitnodigen voor omgevingsvisie",
         "Dorpsraden betrokken bij omgevingsvisie", "done", None),
    ],
    "duurzaamheid": [
        ("Dakinspectie gemeentehuis Gilze uitvoeren",
         "Zonnepanelen op gemeentehuis Gilze en Rijen", "done", None),
        ("Lijst gemeenschapshuizen met contactpersonen",
         "Energiescan van alle gemeenschapshuizen", "done", None),
        ("Tegeltaxi regelen met buitendienst", "Tegelwippen-actie in drie kernen", "todo", "carry"),
    ],
    "informatievoorziening": [
        ("Leveranciers van de phishing-training vergelijken",
         "Alle medewerkers volgen de phishing-training", "done", None),
        ("Bronnen voor het dashboard in kaart brengen",
         "Dashboard doorlooptijden vergunningen", "doing", "carry"),
        ("Verwerkingen van Burgerzaken opnemen",
         "Verwerkingsregister volledig en actueel", "done", None),
        ("Oude testomgeving opruimen", None, "todo", "drop"),
    ],
}
RETROSPECTIVE = {"went_well": "Korte lijnen met de andere teams",
                 "to_improve": "Acties kleiner maken, zodat ze in één cyclus af kunnen",
                 "do_differently": "Elke stand-up eerst de hulpvragen bespreken"}
DROP_REASON = "Niet meer nodig na overleg met de teamleider"
# Every card title of the demo (the print test fills a column with them).
ACTION_TITLES = [title for cards in CURRENT_ACTIONS.values() for title, _goal in cards]
# Standard work: repeats every cycle. Begun last cycle (done there), so closing that cycle put
# its copy on this cycle's board; in the year's first cycle it begins now.
RECURRING = ("informatievoorziening", "Wijzigingen van de week in het verwerkingsregister zetten",
             "Verwerkingsregister volledig en actueel")


def demo_first_cycle_start(today):
    """The Monday on or before 1 January, so cycle numbers count the weeks of the year."""
    new_year = date(today.year, 1, 1)
    return new_year - timedelta(days=new_year.weekday())


def check_demo_password(password):
    """Raise Invalid unless every demo person may use this password, before anything is
    seeded (a refusal halfway would roll the whole demo back, having hashed passwords for nothing)."""
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
    # Each team's delegate decides on its ideas; Ingrid (admin) on those of the Team van teams.
    deciders = {slug: staff[DELEGATES[t]].id for t, (_name, slug, _a) in enumerate(TEAMS)}
    seed_ideas(session, staff, {**deciders, "team-van-teams": admin_id}, today)
    seed_indicators(session, admin_id, today)
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
    goal_ids = {goal.title: goal.id for goals in short_goals.values() for goal in goals}
    owners = {team.slug: [staff[i].id for i, ts in TEAM_OF.items() if t in ts]
              for t, team in enumerate(teams)}
    cycle = current_cycle(session, today)
    if cycle.number > 1:
        _seed_previous_cycle(session, admin_id, owners, goal_ids, rng, today, cycle)
    else:
        _seed_recurring(session, admin_id, owners, goal_ids, "todo", today)
    for t, (slug, cards) in enumerate(CURRENT_ACTIONS.items()):
        for n, (title, goal) in enumerate(cards):
            status = rng.choices(["todo", "doing", "done"], weights=[4, 3, 3])[0]
            change = actions.create_action(
                session, admin_id, slug, title=title, owner_id=rng.choice(owners[slug]),
                goal_id=goal_ids[goal] if goal else None, status=status, today=today,
                due_date=cycle.end - timedelta(days=rng.choice([0, 2, 4, 9])))
            if n == t + 1 and status != "done":  # one request for help per team
                actions.edit_action(session, admin_id, change.action.id,
                                    version=change.action.version,
                                    fields={"needs_help": True, "help_reason":
                                            "Wachten op akkoord van het managementteam"})


def _seed_previous_cycle(session, admin_id, owners, goal_ids, rng, today, cycle):
    """Last cycle's cards, closed by every team: done, carried over into this cycle, dropped."""
    before = today - timedelta(days=(today - cycle.start).days + 1)  # last cycle's last day
    for slug, cards in PREVIOUS_ACTIONS.items():
        decisions = []
        for title, goal, status, decision in cards:
            action = actions.create_action(
                session, admin_id, slug, title=title, owner_id=rng.choice(owners[slug]),
                goal_id=goal_ids[goal] if goal else None, status=status, today=before).action
            if decision:
                decisions.append({"action_id": action.id, "decision": decision,
                                  "reason": DROP_REASON if decision == "drop" else ""})
        if slug == RECURRING[0]:
            _seed_recurring(session, admin_id, owners, goal_ids, "done", before)
        closing.close_team_cycle(session, admin_id, slug, cycle.number - 1, decisions,
                                 RETROSPECTIVE)


def _seed_recurring(session, admin_id, owners, goal_ids, status, day):
    """The demo's standard work: a card that repeats every cycle, planned on `day`."""
    slug, title, goal = RECURRING
    action = actions.create_action(session, admin_id, slug, title=title,
                                   owner_id=owners[slug][0], goal_id=goal_ids[goal],
                                   status=status, today=day).action
    actions.edit_action(session, admin_id, action.id, version=action.version,
                        fields={"repeat_every": 1})

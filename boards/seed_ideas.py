"""The demo organisation's improvement ideas, in every state, built through the services."""

from . import ideas

# (team, author's index in seed.PEOPLE, title, text, what the teams did with it: (state, reason
# or the team it is passed on to), in order; after a pass, the team that got it takes the next).
IDEAS = [
    ("klantcontact", 8, "Chatfunctie op de website voor korte vragen",
     "Veel telefoontjes gaan over openingstijden en de afvalkalender; een chat vangt die op.",
     []),
    ("klantcontact", 3, "Terugbelafspraak per sms bevestigen",
     "Inwoners weten dan wanneer we bellen en nemen vaker op.", [("discussing", None)]),
    ("klantcontact", 19, "Balie op zaterdagochtend open",
     "Werkende inwoners kunnen doordeweeks moeilijk langskomen.",
     [("discussing", None), ("parked", "Eerst de bezetting van de balie doordeweeks op orde")]),
    ("klantcontact", 10, "Eigen klantcontactcentrum per kern",
     "Dichter bij de inwoners van elke kern.",
     [("declined", "Past niet bij de schaal van de drie gemeenten; we bundelen juist de kennis")]),
    ("klantcontact", 4, "Gezamenlijke kennisbank voor alle teams",
     "Antwoorden op vragen van inwoners staan nu verspreid over mappen en mailboxen.",
     [("passed", "team-van-teams"), ("adopted", None)]),
    ("ruimte-wonen", 13, "Vooroverleg bouwaanvragen via videobellen",
     "Scheelt inwoners en ondernemers een rit naar het gemeentehuis.", []),
    ("duurzaamheid", 7, "Deelauto's voor dienstreizen",
     "Minder autokilometers van medewerkers en minder parkeerplaatsen nodig.",
     [("passed", "team-van-teams")]),
]


def seed_ideas(session, staff, deciders, today):
    """IDEAS, each step taken by the decider of the team that has the idea then ({slug: person
    id}); the unit of work that seeds the demo commits them with the rest."""
    for slug, author, title, text, steps in IDEAS:
        idea = ideas.post_idea(session, staff[author].id, slug, title=title, text=text).idea
        for state, detail in steps:
            who, version = deciders[slug], idea.version
            if state == "discussing":
                ideas.discuss_idea(session, who, idea.id, version=version)
            elif state == "parked":
                ideas.park_idea(session, who, idea.id, version=version, reason=detail)
            elif state == "declined":
                ideas.decline_idea(session, who, idea.id, version=version, reason=detail)
            elif state == "adopted":
                ideas.adopt_idea(session, who, idea.id, version=version, today=today)
            else:
                ideas.pass_idea(session, who, idea.id, version=version, team_slug=detail)
                slug = detail
    session.flush()

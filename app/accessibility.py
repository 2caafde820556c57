"""The accessibility statement (toegankelijkheidsverklaring): public, following the Dutch
government's model. Its known failures are the ones docs/accessibility.md records."""

from datetime import date

from flask import Blueprint, current_app, render_template

from .public_url import public_url

bp = Blueprint("accessibility", __name__)

# When and how the app was last evaluated (docs/accessibility.md has the evaluation itself).
EVALUATED_ON = date(2026, 12, 7)
STANDARD = "WCAG 2.2 AA"
# The success criteria the evaluation found failing, each with what a person runs into (in
# Dutch: the statement is published in Dutch). A test holds this list equal to the fails in
# docs/accessibility.md.
KNOWN_FAILURES = {
    "2.1.4": "Op de stand-uppagina gaan de toetsen N en P naar de volgende en vorige persoon. "
             "Deze sneltoetsen van één letter kunt u niet uitzetten of wijzigen.",
    "2.2.1": "Een sessie eindigt na 8 uur zonder activiteit (instelbaar) zonder dat u vooraf "
             "wordt gewaarschuwd of de tijd kunt verlengen; tekst die u nog niet had opgeslagen "
             "moet u dan opnieuw invoeren.",
    "2.2.2": "Het overzicht op een wandscherm bladert elke 8 seconden verder. Het staat stil "
             "zolang iets op de pagina de focus heeft, maar er is geen knop om het bladeren te "
             "pauzeren of te stoppen.",
}


def compliance_status():
    """'fully' when nothing is known to fail, else 'partially' (the model's two options here)."""
    return "partially" if KNOWN_FAILURES else "fully"


@bp.route("/toegankelijkheid")
def statement():
    """The accessibility statement: readable without logging in."""
    config = current_app.config
    return render_template("accessibility/statement.html", status=compliance_status(),
                           failures=KNOWN_FAILURES, evaluated_on=EVALUATED_ON, standard=STANDARD,
                           contact=config["ACCESSIBILITY_CONTACT"],
                           # The address people use (PUBLIC_URL), never the request's Host.
                           app_url=public_url("pages.home"),
                           response_days=config["ACCESSIBILITY_RESPONSE_DAYS"])

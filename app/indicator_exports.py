"""An indicator's values as CSV (formula-safe, like every export) and JSON."""

from flask import Blueprint, jsonify
from flask_babel import get_locale
from flask_babel import gettext as _

from boards import indicator_reads
from boards.numbers import number_text

from . import database
from .csv_output import Figure, csv_response
from .exports import session_or_token
from .serializers import indicator_view_json

bp = Blueprint("indicator_exports", __name__)


def _figure(number):
    """The exact value, with a decimal comma for Dutch spreadsheets."""
    text = number_text(number)
    return Figure(text.replace(".", ",") if str(get_locale()) == "nl" else text)


@bp.route("/indicators/<int:indicator_id>/values.csv")
@session_or_token
def indicator_csv(indicator_id):
    """Period and value, oldest first: the two columns the paste box takes back."""
    view = indicator_reads.indicator_view(database.reader(), indicator_id)
    unit = f" ({view.indicator.unit})" if view.indicator.unit else ""
    rows = [[value.period, _figure(value.value)] for value in view.values]
    return csv_response(f"indicator-{indicator_id}.csv",
                        [_("Period"), f"{view.indicator.name}{unit}"], rows)


@bp.route("/indicators/<int:indicator_id>/values.json")
@session_or_token
def indicator_json_export(indicator_id):
    """The indicator with its values and baselines, in the API's shape."""
    view = indicator_reads.indicator_view(database.reader(), indicator_id)
    response = jsonify(indicator=indicator_view_json(view))
    filename = f"indicator-{indicator_id}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

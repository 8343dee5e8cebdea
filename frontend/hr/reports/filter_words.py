"""The filters a job or a schedule keeps (ids and ISO dates), in words: three queries for any number of them."""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from courses.models import Course
from reports.queries import STATUS_LABELS
from training.models import Event

LABELS = {
    "course": _("Course"), "event": _("Class or conference"), "org_unit": _("Organisation unit"),
    "status": _("Status"), "from": _("From"), "to": _("To"), "year": _("Year"),
}
MODELS = {"course": Course, "event": Event, "org_unit": OrgUnit}


def in_words(filter_sets: list[dict]) -> list[list[tuple[str, str]]]:
    """For each set of filters, its (label, value) pairs in the order of LABELS; a filter on
    something deleted since reads as its id."""
    names = {key: _names(model, key, filter_sets) for key, model in MODELS.items()}
    return [[(LABELS[key], _value(key, filters[key], names)) for key in LABELS if filters.get(key) not in (None, "")]
            for filters in filter_sets]


def _names(model, key: str, filter_sets: list[dict]) -> dict[str, str]:
    values = {str(filters.get(key, "")) for filters in filter_sets}
    ids = {value for value in values if value.isascii() and value.isdigit()}
    if not ids:
        return {}
    return {str(row.pk): _name(row) for row in model.objects.filter(pk__in=ids)}


def _name(row) -> str:
    if isinstance(row, Course):
        return f"{row.code} — {row.title}"
    return row.title if isinstance(row, Event) else row.name


def _value(key: str, value, names: dict) -> str:
    if key in names:
        return names[key].get(str(value), f"#{value}")
    if key == "status":
        return str(STATUS_LABELS.get(value, value))
    if key in ("from", "to"):
        try:
            return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)

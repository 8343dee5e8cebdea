"""The filters of a report, from a query string or a JSON body, checked against the asker's scope.

The same keys everywhere (API.md): `course`, `event` (a class or conference),
`org_unit`, `status`, `from`, `to`, `year`. An empty value is no filter. An org
unit outside the asker's scope is refused (403), never answered with an empty file.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers

from accounts.models import OrgUnit
from accounts.roles import Role
from accounts.scope import scope_paths, unit_in_scope
from courses.models import Course
from reports.models import Format, Kind
from reports.queries import STATUS_LABELS, Filters
from training.models import Event

MAX_ID = 2**63 - 1
# Periods outside these make no sense for the platform's data (and a day after 9999-12-31 does not exist).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
FILTER_KEYS = ("course", "event", "org_unit", "status", "from", "to", "year")
FORMATS = {
    Kind.COMPLETION: (Format.CSV, Format.XLSX),
    Kind.ATTENDANCE: (Format.CSV, Format.XLSX),
    Kind.HOURS: (Format.CSV, Format.XLSX),
    Kind.SUMMARY: (Format.CSV, Format.XLSX, Format.PDF),
}


class FilterSerializer(serializers.Serializer):
    course = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                      help_text=gettext_lazy("A course's id."))
    event = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                     help_text=gettext_lazy("A class's or conference's id."))
    org_unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                        help_text=gettext_lazy("An org unit's id: the unit and everything under it."))
    status = serializers.ChoiceField(required=False, choices=list(STATUS_LABELS))
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: these two cannot be class attributes.
        fields["from"] = serializers.DateField(required=False, help_text=gettext_lazy("First day of the period."))
        fields["to"] = serializers.DateField(required=False, help_text=gettext_lazy("Last day of the period."))
        return fields

    def validate(self, data):
        for key in ("from", "to"):
            if key in data and not FIRST_DAY <= data[key] <= LAST_DAY:
                raise serializers.ValidationError({key: [_("Give a date from %(first)s to %(last)s.") % {
                    "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}]})
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            raise serializers.ValidationError({"to": [_("The end of the period is before its start.")]})
        for key, model in (("course", Course), ("event", Event), ("org_unit", OrgUnit)):
            if key in data:
                try:
                    data[key] = model.objects.get(pk=data[key])
                except model.DoesNotExist:
                    raise serializers.ValidationError({key: [_("There is nothing with this id.")]}) from None
        unit = data.get("org_unit")
        if unit is not None and not unit.is_active:
            # Its people moved on: a report of it would be empty, never what was asked.
            successor = unit.merged_into or unit.parent
            raise serializers.ValidationError({"org_unit": [
                _("“%(unit)s” was merged or dissolved; its people are now under “%(successor)s”.")
                % {"unit": unit, "successor": successor}
            ]})
        return data


def clean_filters(raw) -> dict:
    """The known keys with a value, as plain strings or numbers: what a job or a schedule stores."""
    if not hasattr(raw, "get"):
        raise exceptions.ValidationError({"filters": [_("Give the filters as an object.")]})
    cleaned = {}
    for key in FILTER_KEYS:
        value = raw.get(key)
        if value not in (None, ""):
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                raise exceptions.ValidationError({key: [_("Give a single value.")]})
            cleaned[key] = value
    return cleaned


def check_format(kind: str, format: str) -> None:
    if format not in FORMATS[kind]:
        raise exceptions.ValidationError({"format": [
            _("This report downloads as %(formats)s.") % {"formats": ", ".join(FORMATS[kind])}
        ]})


def filters_for(actor, raw) -> Filters:
    """Checked filters for `actor`: 400 with the field for a bad value, 403 for a unit outside their scope."""
    serializer = FilterSerializer(data=clean_filters(raw))
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    if not actor.has_role(Role.ADMIN):
        if not actor.has_role(Role.HR) or not scope_paths(actor):
            raise exceptions.PermissionDenied(_("You are responsible for no organisation unit."))
        if data.get("org_unit") is not None and not unit_in_scope(actor, data["org_unit"]):
            raise exceptions.PermissionDenied(_("This organisation unit is outside the units in your charge."))
    return Filters(
        actor=actor, course=data.get("course"), event=data.get("event"), org_unit=data.get("org_unit"),
        status=data.get("status"), start=data.get("from"), end=data.get("to"),
        year=data.get("year") or timezone.localdate().year,
    )

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from reports.filters import clean_filters
from reports.models import Format, HoursRequirement, Kind, ReportSchedule


class FiltersField(serializers.JSONField):
    """The report's filters, the same keys as the query string of `GET /api/v1/reports/{kind}/`."""

    def to_internal_value(self, data):
        return clean_filters(super().to_internal_value(data))


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    format = serializers.ChoiceField(choices=Format.choices, default=Format.CSV)
    filters = FiltersField(required=False, default=dict, help_text=gettext_lazy(
        "course, event, org_unit, status, from, to, year: as the query of GET /api/v1/reports/{kind}/."
    ))


class ReportScheduleSerializer(serializers.ModelSerializer):
    filters = FiltersField(required=False, default=dict)

    class Meta:
        model = ReportSchedule
        fields = ["id", "kind", "format", "filters", "every", "active", "next_run_at", "last_run_at", "last_status",
                  "last_error", "created_at"]
        read_only_fields = ["next_run_at", "last_run_at", "last_status", "last_error", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            # A schedule's report stays what it was made for: only pausing and resuming change it.
            for name in ("kind", "format", "filters", "every"):
                fields[name].read_only = True
        return fields


class HoursRequirementListSerializer(serializers.ListSerializer):
    def to_internal_value(self, data):
        rows = super().to_internal_value(data)
        seen = set()
        for index, row in enumerate(rows):
            key = (row["year"], row.get("position", "").strip().casefold())
            if key in seen:
                # Keyed by the row's index, as DRF reports the errors of each row.
                raise serializers.ValidationError({str(index): {"year": [_("This year and position appear twice.")]}})
            seen.add(key)
        return rows


class HoursRequirementSerializer(serializers.ModelSerializer):
    position = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")

    class Meta:
        model = HoursRequirement
        fields = ["year", "hours", "position"]
        list_serializer_class = HoursRequirementListSerializer
        # The table is replaced whole: the model's own unique check would look at the rows being replaced.
        validators = []


class MyHoursSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    courses = serializers.IntegerField()
    required = serializers.DecimalField(max_digits=7, decimal_places=1)

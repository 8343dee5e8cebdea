from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit, User
from courses.models import Course
from training.models import AttendanceRecord, Event, RosterEntry, Session

# Ids are 64-bit: a larger number can name nothing, and the database cannot even compare it.
MAX_ID = 2**63 - 1
CLASS_FIELDS = ["cohort", "school"]
CONFERENCE_FIELDS = ["speakers"]
EVENT_FIELDS = ["id", "kind", "title", "starts_on", "ends_on", "venue", "materials_url", "courses", "instructors",
                "attendance_percent", "topic", "hours", "session_count", "roster_count", "created_at", "updated_at"]


class RosterPersonSerializer(serializers.ModelSerializer):
    org_unit = serializers.CharField(source="org_unit.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "full_name", "employee_code", "org_unit"]


class EventSerializer(serializers.ModelSerializer):
    """A class or conference. The view sets `kind`; `courses` and `instructors` are ids."""

    courses = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all(), many=True, required=False)
    instructors = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False,
        help_text=_("Ids of the people who run it; its creator is added on creation."),
    )
    session_count = serializers.IntegerField(read_only=True, default=0)
    roster_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        read_only_fields = ["kind", "created_at", "updated_at"]

    def validate(self, data):
        starts_on = data.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = data.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError({"ends_on": [_("The end date is before the start date.")]})
        return data


class ClassSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = [*EVENT_FIELDS, *CLASS_FIELDS]


class ConferenceSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = [*EVENT_FIELDS, *CONFERENCE_FIELDS]


class SessionSerializer(serializers.ModelSerializer):
    present = serializers.IntegerField(read_only=True, default=0)
    late = serializers.IntegerField(read_only=True, default=0)
    excused = serializers.IntegerField(read_only=True, default=0)
    absent = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Session
        fields = ["id", "event", "title", "starts_at", "ends_at", "present", "late", "excused", "absent",
                  "created_at", "updated_at"]
        read_only_fields = ["event", "created_at", "updated_at"]

    def validate(self, data):
        starts_at = data.get("starts_at", getattr(self.instance, "starts_at", None))
        ends_at = data.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts_at and ends_at and ends_at <= starts_at:
            raise serializers.ValidationError({"ends_at": [_("The session must end after it starts.")]})
        return data


class RosterAddSerializer(serializers.Serializer):
    users = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
                                  allow_empty=False,
                                  max_length=50_000, help_text=_("Ids of people to add."))
    org_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False,
        help_text=_("Adds every active person of this unit and the units under it."),
    )

    def validate_users(self, ids):
        known = set(User.objects.filter(pk__in=set(ids), is_active=True).values_list("pk", flat=True))
        unknown = sorted(set(ids) - known)
        if unknown:
            raise serializers.ValidationError(
                _("No active person has the id: %(ids)s.") % {"ids": ", ".join(map(str, unknown[:20]))}
            )
        return ids

    def validate_org_unit(self, unit):
        if not unit.is_active:
            raise serializers.ValidationError(_("“%(unit)s” was merged into another unit or dissolved.") % {"unit": unit})
        return unit

    def validate(self, data):
        if ("users" in data) == ("org_unit" in data):
            raise serializers.ValidationError({"detail": [_("Give either “users” or “org_unit”.")]})
        return data


class RosterAddResultSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text=_("People newly put on the roster."))
    already = serializers.IntegerField(help_text=_("People who were on the roster already."))


class RosterImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (UTF-8) or XLSX with a header row naming an "
                                             "“employee_code” or “username” column."))


class RosterEntrySerializer(serializers.ModelSerializer):
    user = RosterPersonSerializer(read_only=True)

    class Meta:
        model = RosterEntry
        fields = ["id", "user", "source", "attended", "created_at"]
        read_only_fields = fields


class AttendanceSummarySerializer(serializers.ModelSerializer):
    user = RosterPersonSerializer(read_only=True)
    present = serializers.IntegerField()
    late = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()
    not_recorded = serializers.SerializerMethodField(help_text=_("Sessions with nothing recorded yet."))
    certificate_eligible = serializers.BooleanField(read_only=True)

    class Meta:
        model = RosterEntry
        fields = ["user", "present", "late", "excused", "absent", "not_recorded", "attended",
                  "certificate_eligible"]
        read_only_fields = fields

    def get_not_recorded(self, entry) -> int:
        return max(0, self.context["session_count"] - entry.present - entry.late - entry.excused - entry.absent)


class AttendanceRequestSerializer(serializers.Serializer):
    """Either one person (`user`, `status`) or a list (`records`)."""

    user = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    status = serializers.ChoiceField(choices=AttendanceRecord.Status.choices, required=False)
    records = serializers.ListField(child=serializers.DictField(), required=False, allow_empty=False,
                                    max_length=50_000, help_text=_("[{user, status}, ...]"))

    def validate(self, data):
        if "records" in data:
            if "user" in data or "status" in data:
                raise serializers.ValidationError({"detail": [_("Give either “records” or “user” and “status”.")]})
            return {"records": self._records(data["records"])}
        missing = {field: [_("This field is required.")] for field in ("user", "status") if field not in data}
        if missing:
            raise serializers.ValidationError(missing)
        return {"records": [(data["user"], data["status"])]}

    def _records(self, items):
        """The list, checked by hand: 2,000 nested serializers would cost more than the work."""
        statuses = AttendanceRecord.Status.values
        records, errors = [], {}
        for index, item in enumerate(items):
            user, status = item.get("user"), item.get("status")
            if not isinstance(user, int) or isinstance(user, bool) or not 1 <= user <= MAX_ID:
                errors[str(index)] = {"user": [_("A person's id is required.")]}
            elif status not in statuses:
                errors[str(index)] = {"status": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(statuses)}]}
            else:
                records.append((user, status))
        if errors:
            raise serializers.ValidationError({"records": errors})
        return records


class AttendanceRecordSerializer(serializers.ModelSerializer):
    user = RosterPersonSerializer(read_only=True)

    class Meta:
        model = AttendanceRecord
        fields = ["id", "session", "user", "status", "method", "recorded_by", "recorded_at"]
        read_only_fields = fields


class AttendanceResultSerializer(serializers.Serializer):
    recorded = serializers.IntegerField()
    changed = serializers.IntegerField(help_text=_("Records that were new or different."))


class CheckInCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    short_code = serializers.CharField(help_text=_("The same code as 6 digits, for typing; it rotates with `code`."))
    url = serializers.CharField(help_text=_("The address the QR code holds."))
    rotates_at = serializers.DateTimeField(help_text=_("When the screen should show the next code."))
    expires_at = serializers.DateTimeField(help_text=_("The last moment the code is accepted."))


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=200, trim_whitespace=True,
        help_text=_("The code on the session screen: the full code the QR code holds, or the 6 digits shown under "
                    "it (spaces ignored)."),
    )


class KioskSerializer(serializers.Serializer):
    employee_code = serializers.CharField(max_length=50, trim_whitespace=True)

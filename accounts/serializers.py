from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from django.urls import reverse

from accounts.models import AuditEntry, Job, Notification, OrgUnit, User
from accounts.roles import ROLES


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "code", "kind", "parent", "path", "depth", "merged_into", "merged_on", "dissolved_on"]
        # A unit is merged or dissolved through its own actions (`merge/`, `dissolve/`), which move what it holds.
        read_only_fields = ["path", "depth", "merged_into", "merged_on", "dissolved_on"]


class OrgUnitDissolveSerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("The day the change took effect; today or earlier."))


class OrgUnitMergeSerializer(OrgUnitDissolveSerializer):
    into = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), help_text=_("The unit that takes over this one's people and sub-units.")
    )


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"},
        help_text=_("Leave empty to e-mail the person an invitation to set their own password."),
    )
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), required=False)
    hr_scope = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)

    class Meta:
        model = User
        fields = [
            "id", "username", "password", "full_name", "email", "employee_code", "org_unit", "position",
            "roles", "hr_scope", "is_active", "invitation_pending", "email_confirmed", "date_joined", "last_login",
        ]
        read_only_fields = ["invitation_pending", "email_confirmed", "date_joined", "last_login"]
        extra_kwargs = {"full_name": {"required": True, "allow_blank": False}}

    def validate_employee_code(self, value):
        value = value.strip()
        clash = User.objects.filter(employee_code=value).exclude(pk=getattr(self.instance, "pk", None))
        if value and clash.exists():
            raise serializers.ValidationError(_("Another person already has this employee code."))
        return value

    def validate_email(self, value):
        return value.strip().lower()

    def validate(self, attrs):
        password = attrs.get("password")
        if password:
            person = self.instance or User(
                username=attrs.get("username", ""), full_name=attrs.get("full_name", ""), email=attrs.get("email", "")
            )
            try:
                password_validation.validate_password(password, person)
            except Exception as error:
                raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs


class MeSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", default=None, read_only=True, allow_null=True)
    # Plain text: an account may have no e-mail, and "" is no e-mail address.
    email = serializers.CharField(read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), read_only=True)
    hr_scope = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "full_name", "email", "email_confirmed", "employee_code", "org_unit", "org_unit_name",
            "position", "roles", "hr_scope", "date_joined", "last_login",
        ]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (UTF-8) or XLSX with a header row."))


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "actor", "actor_username", "action", "target_type", "target_id",
                  "target_repr", "changes", "ip_address"]
        read_only_fields = fields


class JobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "status", "done", "total", "download_url", "error", "created_at", "updated_at"]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != Job.Status.DONE or not job.file:
            return None
        return reverse("api-job-download", args=[job.pk])


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text=_("In the reader's language."))
    text = serializers.CharField(read_only=True, help_text=_("In the reader's language."))

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "text", "url", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllResultSerializer(serializers.Serializer):
    read = serializers.IntegerField(help_text=_("How many notifications were marked as read."))

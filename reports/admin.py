"""Reports in the admin: the hours requirements, each person's scheduled reports, and a download form.

The download form is a GET form (UI.md): `kind`, `format` and the filters as query
parameters, answered with the file, through the same checks as the API.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from accounts import audit
from accounts.admin import AccessibleAdminMixin
from accounts.roles import Role
from accounts.models import OrgUnit
from accounts.scope import unit_in_scope, units_in_scope
from courses.models import Course
from reports import queries, services
from reports.downloads import download_response
from reports.models import Format, HoursRequirement, Kind, ReportSchedule
from training.models import Event


@admin.register(HoursRequirement)
class HoursRequirementAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    list_display = ["year", "position_or_everyone", "hours", "updated_at"]
    list_filter = ["year"]
    search_fields = ["position"]

    @admin.display(description=_("position"), ordering="position")
    def position_or_everyone(self, obj):
        return obj.position or _("everyone")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="report.requirement_saved", target=obj,
                     changes={"year": obj.year, "position": obj.position, "hours": str(obj.hours)})


class DownloadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=Kind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.XLSX)
    org_unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=None, required=False,
                                      help_text=_("The unit and everything under it. Empty: all the units in your charge."))
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.order_by("code"), required=False)
    event = forms.ModelChoiceField(label=_("Class or conference"), queryset=Event.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", "---------"), *queries.STATUS_LABELS.items()])
    year = forms.IntegerField(label=_("Year (training hours)"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_in_scope(user).active().order_by("path")
        # "from" and "to" are Python keywords: added by name.
        self.fields["from"] = forms.DateField(label=_("From"), required=False,
                                              widget=forms.DateInput(attrs={"type": "date"}))
        self.fields["to"] = forms.DateField(label=_("To"), required=False,
                                            widget=forms.DateInput(attrs={"type": "date"}))


LAST_RESULTS = {"": _("Not run yet"), "sent": _("Sent"), "empty": _("Sent, with no rows"), "failed": _("Failed")}


class LastResultFilter(admin.SimpleListFilter):
    """The last run's result in words: the stored values are codes, and "not run yet" is an empty one."""

    title = _("last result")
    parameter_name = "last_status"

    def lookups(self, request, model_admin):
        return [(value or "none", label) for value, label in LAST_RESULTS.items()]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(last_status="" if value == "none" else value)


@admin.register(ReportSchedule)
class ReportScheduleAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """Each person's own scheduled reports: pause, resume or delete them. They are made with the API or /hr/reports/."""

    list_display = ["kind", "format", "every", "active", "next_run_at", "last_run_at", "last_result", "owner"]
    list_filter = ["kind", "every", "active", LastResultFilter]
    list_editable = ["active"]
    fields = ["owner", "kind", "format", "filters", "every", "language", "active", "next_run_at", "last_run_at",
              "last_result", "last_error"]
    readonly_fields = ["owner", "kind", "format", "filters", "every", "language", "next_run_at", "last_run_at",
                       "last_result", "last_error"]

    @admin.display(description=_("last result"), ordering="last_status")
    def last_result(self, schedule) -> str:
        return LAST_RESULTS.get(schedule.last_status, schedule.last_status)

    def get_queryset(self, request):
        schedules = super().get_queryset(request).select_related("owner")
        return schedules if request.user.has_role(Role.ADMIN) else schedules.filter(owner=request.user)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="report.schedule_changed", target=obj, changes={"active": obj.active})

    def get_urls(self):
        return [
            path("download/", self.admin_site.admin_view(self.download_view), name="reports_download"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "download_url": reverse("admin:reports_download")}
        return super().changelist_view(request, extra_context)

    def download_view(self, request):
        if not (request.user.has_role(Role.HR) or request.user.has_role(Role.ADMIN)):
            raise PermissionDenied
        unit_id = request.GET.get("org_unit", "")
        if unit_id.isascii() and unit_id.isdigit() and len(unit_id) < 19:
            # A unit outside the scope is refused as the API refuses it, not taken for a mistyped choice.
            unit = OrgUnit.objects.filter(pk=int(unit_id)).first()
            if unit is not None and not unit_in_scope(request.user, unit):
                raise PermissionDenied(gettext("This organisation unit is outside the units in your charge."))
        form = DownloadForm(request.GET or None, user=request.user)
        error = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            raw = {key: getattr(value, "pk", value) for key, value in data.items()
                   if key not in ("kind", "format") and value not in (None, "")}
            raw = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in raw.items()}
            try:
                return download_response(request.user, data["kind"], data["format"], raw)
            except exceptions.PermissionDenied as refused:
                raise PermissionDenied(str(refused.detail)) from None
            except exceptions.ValidationError as invalid:
                error = services.describe(invalid)
        context = {
            **self.admin_site.each_context(request), "title": _("Download a report"), "form": form,
            "error": error, "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reports/download.html", context)

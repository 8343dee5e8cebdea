"""Admin pages of people, org units and the audit log.

Each role sees here what the API shows it (HR officers: the people of their
scope), and every save goes through the service the API calls, so that the
admin makes no change the API would not make, nor skips what follows from one
(audit, invitations, enrolment in a unit's assigned courses).

The mixins the admins of every app build on are here too, accounts being the
lowest app: saves through the services, forms that ask the services' checks,
choices offered as the API lists them, and changes left to those who teach.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin

from accounts import audit, services
from accounts.models import AuditEntry, Notification, OrgUnit, User
from accounts.roles import ROLES, Role
from accounts.scope import may_change_person, units_in_scope, users_in_scope


class ServiceSavesMixin:
    """For model admins whose saves go through the services, as the API's do.

    The services set many-to-many fields themselves, so the form's are not saved
    again. Inline rows are added, changed and removed by the admin's `add_inline`,
    `change_inline` and `delete_inline`, which call the services. Forms ask the
    services' checks before saving (`ServiceCheckedForm`), so that a refusal shows
    on the form with what was typed; should a service still refuse a save (a
    `ValidationError`), the page's transaction is rolled back and the refusal shown
    as a message, instead of a server error.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # sorts the rows into new, changed and deleted ones, and saves none
        for row in formset.deleted_objects:
            self.delete_inline(request, row)
        for row, changed in formset.changed_objects:
            self.change_inline(request, row, changed)
        formset.new_objects = [self.add_inline(request, form.instance, row) for row in formset.new_objects]

    def add_inline(self, request, parent, row):
        """Store the new inline `row` of `parent` through a service; returns the stored row."""
        raise NotImplementedError

    def change_inline(self, request, row, changed: list[str]) -> None:
        """Store `row`, which holds the new values of the fields named in `changed`, through a service."""
        raise NotImplementedError

    def delete_inline(self, request, row) -> None:
        raise NotImplementedError

    @staticmethod
    def adopt(obj, saved) -> None:
        """Make the admin's unsaved object the row a service created, for the admin's log and redirect."""
        obj.pk = saved.pk
        obj.refresh_from_db()
        obj._state.adding = False


class ServiceCheckedForm(forms.ModelForm):
    """An admin form that asks a service's check (`check`) of the object as typed, and shows its refusal on the form."""

    def check(self, obj) -> None:
        """Raise the `ValidationError` the service would raise on saving `obj`."""

    def _post_clean(self):
        super()._post_clean()  # the instance now holds what was typed
        if self.errors:
            return
        try:
            self.check(self.instance)
        except ValidationError as error:
            refusals = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            for field, refusal in refusals:
                self.add_error(field if field in self.fields else None, refusal)


class OfferedChoicesMixin:
    """Choice fields offer what the API lists to the caller (`offered_choices`), never a whole table.

    What the object holds already stays offered too, so that saving it never drops
    what the caller may not list.
    """

    def offered_choices(self, request) -> dict[str, QuerySet]:
        """The querysets to offer, by the name of the many-to-many field."""
        return {}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name, offered in self.offered_choices(request).items():
            field = form.base_fields.get(name)
            if field is None:
                continue  # read only here
            if obj is not None:
                offered = offered | offered.model._default_manager.filter(pk__in=getattr(obj, name).values("pk"))
            field.queryset = offered
        return form


class TaughtObjectsMixin:
    """Only those who teach a course, class or conference change or delete it, or what belongs to it.

    Who sees it is each admin's `get_queryset`.

    `taught_path` leads from the model to what is taught: field names joined by "__",
    empty for the model itself. `teaches(user, taught)` says who teaches it.
    """

    taught_path = ""

    @staticmethod
    def teaches(user, taught) -> bool:
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.taught_by(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self.taught_by(request.user, obj))

    def taught_by(self, user, obj) -> bool:
        taught = obj
        for name in filter(None, self.taught_path.split("__")):
            taught = getattr(taught, name)
        return self.teaches(user, taught)

    def taught_lookup(self, lookup: str) -> str:
        """`lookup` on what is taught, from the model: "instructors" becomes "course__instructors"."""
        return related_lookup(self.taught_path, lookup)


def related_lookup(path: str, lookup: str) -> str:
    """`lookup` after the path `path` (which may be empty), as a queryset's filter takes it."""
    return "__".join(filter(None, (path, lookup)))


def name_inputs(field: forms.Field, *, every_input: bool = False) -> None:
    """Gives the inputs of `field` that Django draws without a <label> an accessible name of their own.

    The date and the time of a date-and-time field have none (the label names the
    pair); in a row of a tabular inline no input has one (`every_input`).
    """
    label = str(field.label or "")
    widget = field.widget
    if isinstance(widget, AdminSplitDateTime):
        for part, input_widget in zip((gettext("Date:"), gettext("Time:")), widget.widgets):
            input_widget.attrs["aria-label"] = f"{label} – {part.rstrip(':').strip()}"
    elif every_input and label and not widget.is_hidden:
        widget.attrs["aria-label"] = label


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's rows, whose inputs each have an accessible name: their column's heading."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            name_inputs(field, every_input=True)


class AccessibleAdminMixin:
    """What Django's admin pages lack here for WCAG 2.1 AA and for an office PC's screen.

    Each input of a date-and-time field gets a name; the stylesheet underlines links
    within text and lets long columns of a list wrap, so that its key columns fit at
    1280 px; the script names the controls the admin's scripts draw without one. For
    model admins and inlines alike (an inline's rows get `LabelledInlineFormSet`).
    """

    class Media:
        css = {"all": ["accounts/admin-fixes.css"]}
        js = ["accounts/admin-fixes.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            name_inputs(field)
        return field

    def get_changelist_form(self, request, **kwargs):
        """The editable cells of a list (`list_editable`) have no <label>: each is named after its column and row."""
        form = super().get_changelist_form(request, **kwargs)

        class NamedCellsForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    if field.label and not field.widget.is_hidden:
                        field.widget.attrs["aria-label"] = f"{field.label} – {self.instance}"

        return NamedCellsForm


class AccessibleTabularInline(AccessibleAdminMixin, admin.TabularInline):
    formset = LabelledInlineFormSet


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "code", "kind", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" not in self.fields:  # not there on a read-only page
            return
        # Merged and dissolved units take no sub-units; nor is the unit itself or one below it offered
        # as its parent (the service refuses them too).
        offered = OrgUnit.objects.active()
        if self.instance.pk:
            offered = offered.exclude(self.instance.subtree_q())
        self.fields["parent"].queryset = offered.order_by("path")


class ReorganisationForm(forms.Form):
    """What an administrator confirms before units are dissolved: the day it took effect."""

    on = forms.DateField(
        label=_("On"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the change took effect; today or earlier."),
    )


class MergeForm(ReorganisationForm):
    into = forms.ModelChoiceField(
        label=_("Merge into"), queryset=OrgUnit.objects.active().order_by("path"),
        help_text=_("The unit that takes over their people, sub-units, HR officers and assignments."),
    )
    field_order = ["into", "on"]


class OrgUnitStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("merged", _("Merged")), ("dissolved", _("Dissolved"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "merged":
            return queryset.filter(merged_into__isnull=False)
        if self.value() == "dissolved":
            return queryset.filter(dissolved_on__isnull=False)
        return queryset


@admin.register(OrgUnit)
class OrgUnitAdmin(AccessibleAdminMixin, ServiceSavesMixin, TreeAdmin):
    """Every member of staff sees the whole tree, as in the API; administrators change it through its services.

    Units are never deleted here: people, assignments and history point at them.
    """

    form = OrgUnitForm
    list_display = ["name", "code", "kind", "state"]
    list_select_related = ["merged_into"]
    search_fields = ["name", "code"]
    list_filter = ["kind", OrgUnitStateFilter]
    readonly_fields = ["merged_into", "merged_on", "dissolved_on"]
    actions = ["merge_units", "dissolve_units"]

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Treebeard draws the list only for a GET: a POST is an action, and one this person may not run is refused.
        if request.method == "POST" and request.POST.get("action") not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete"):
            # A person's unit is picked here: merged and dissolved units take no one.
            results = results.active()
        return results, may_have_duplicates

    def has_reorganise_permission(self, request) -> bool:
        return request.user.has_role(Role.ADMIN)

    @admin.display(description=_("state"))
    def state(self, unit: OrgUnit) -> str:
        if unit.merged_into_id:
            return _("Merged into %(unit)s on %(date)s") % {
                "unit": unit.merged_into, "date": formats.date_format(unit.merged_on, "SHORT_DATE_FORMAT"),
            }
        if unit.dissolved_on:
            return _("Dissolved on %(date)s") % {"date": formats.date_format(unit.dissolved_on, "SHORT_DATE_FORMAT")}
        return ""

    @admin.action(description=_("Merge into another unit…"), permissions=["reorganise"])
    def merge_units(self, request, queryset):
        return self._reorganise(request, queryset, MergeForm, _("Merge units"), services.merge_org_unit)

    @admin.action(description=_("Dissolve (children move up)…"), permissions=["reorganise"])
    def dissolve_units(self, request, queryset):
        return self._reorganise(request, queryset, ReorganisationForm, _("Dissolve units"),
                                services.dissolve_org_unit)

    def _reorganise(self, request, queryset, form_class, title, change):
        """Ask for the date (and the successor), then make the change to every selected unit, all or none."""
        units = list(queryset.order_by("path"))
        form = form_class(request.POST if "apply" in request.POST else None)
        if "into" in form.fields:
            form.fields["into"].queryset = form.fields["into"].queryset.exclude(pk__in=[unit.pk for unit in units])
        if form.is_bound and form.is_valid():
            try:
                with transaction.atomic():
                    for unit in units:
                        change(actor=request.user, unit=unit, **form.cleaned_data)
            except ValidationError as error:
                refusals = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
                for field, refusal in refusals:
                    form.add_error(field if field in form.fields else None, refusal)
            else:
                self.message_user(request, ngettext(
                    "%(count)d unit changed.", "%(count)d units changed.", len(units)) % {"count": len(units)},
                    messages.SUCCESS)
                return None
        return TemplateResponse(request, "admin/accounts/orgunit/reorganise.html", {
            **self.admin_site.each_context(request),
            "title": title, "opts": self.model._meta, "units": units, "form": form,
            "action": request.POST["action"], "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in OrgUnitForm.Meta.fields}
        if change:
            services.update_org_unit(actor=request.user, unit=obj, **fields)
        else:
            self.adopt(obj, services.create_org_unit(actor=request.user, **fields))

    def move_node(self, request):
        """Drag and drop in the tree: the unit goes under the target (or beside it) through the service."""
        node = OrgUnit.objects.filter(pk=request.POST.get("node")).first()
        target = OrgUnit.objects.filter(pk=request.POST.get("target")).first()
        if node is None or target is None or request.POST.get("relation") not in ("child", "sibling"):
            return HttpResponseBadRequest("Invalid form data provided")
        if not self.has_change_permission(request, node):
            raise PermissionDenied
        parent = target if request.POST["relation"] == "child" else target.parent
        try:
            services.update_org_unit(actor=request.user, unit=node, parent=parent)
        except ValidationError as error:
            # The page reloads on an error and shows this message.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseBadRequest("Refused")
        return HttpResponse("OK")


class PasswordForm(AdminPasswordChangeForm):
    """Sets a password as the API does: audited, and ending a pending invitation."""

    def save(self, commit=True):
        if not self.cleaned_data["set_usable_password"]:
            return super().save(commit)
        # Django's view gives the form no request; the audit log's context holds the one being served.
        request = audit.current_request.get()
        self.user = services.update_user(actor=request.user if request else None, user=self.user,
                                         password=self.cleaned_data["password1"])
        return self.user


@admin.register(User)
class UserAdmin(AccessibleAdminMixin, ServiceSavesMixin, DjangoUserAdmin):
    """Administrators see everyone; HR officers the people of their scope, changing only those without a staff role."""

    change_password_form = PasswordForm
    list_display = ["username", "full_name", "employee_code", "org_unit", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "invitation_pending"]
    search_fields = ["username", "full_name", "employee_code", "email"]
    ordering = ["full_name"]
    autocomplete_fields = ["org_unit"]
    filter_horizontal = ["groups", "hr_scope"]
    list_select_related = ["org_unit"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "email", "employee_code", "org_unit", "position"]}),
        (_("Roles and HR scope"), {"fields": ["groups", "hr_scope", "is_active", "is_staff", "is_superuser"]}),
        (_("Other permissions"), {"classes": ["collapse"], "fields": ["user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined", "invited_at", "invitation_pending"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "email", "employee_code", "org_unit",
                                                "usable_password", "password1", "password2"]}),
    ]
    # Staff status follows the roles; superusers and single permissions are not given here (roles are).
    readonly_fields = ["is_staff", "is_superuser", "user_permissions", "last_login", "date_joined", "invited_at",
                       "invitation_pending"]
    # What only an administrator may change: the rest of the form is HR's too.
    ADMIN_ONLY_FIELDS = ["username", "password", "groups", "hr_scope"]

    def get_queryset(self, request):
        return users_in_scope(request.user)

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_role(Role.ADMIN):
            return self.readonly_fields
        return [*self.readonly_fields, *self.ADMIN_ONLY_FIELDS]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_change_person(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "org_unit":
            kwargs["queryset"] = units_in_scope(request.user).active()  # merged or dissolved units take no one
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES)
        if db_field.name == "hr_scope":
            kwargs["queryset"] = OrgUnit.objects.active()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        profile = {field: data[field] for field in services.PROFILE_FIELDS if field in data}
        if not change:
            password = data["password1"] if data.get("set_usable_password") else None
            self.adopt(obj, services.create_user(actor=request.user, password=password, **profile))
            return
        if "groups" in data:
            profile["roles"] = [group.name for group in data["groups"]]
        if "hr_scope" in data:
            profile["hr_scope"] = data["hr_scope"]
        services.update_user(actor=request.user, user=obj, **profile)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.has_role(Role.ADMIN):
            raise PermissionDenied  # only administrators set passwords, as in the API
        return super().user_change_password(request, id, form_url)


@admin.register(AuditEntry)
class AuditEntryAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """Browsable, never editable."""

    list_display = ["created_at", "actor_username", "action", "target_repr", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_username", "target_repr", "action", "target_id"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """For administrators to see what people were told; never editable."""

    list_display = ["created_at", "recipient", "kind", "notice_title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__full_name"]
    date_hierarchy = "created_at"
    readonly_fields = [*(field.name for field in Notification._meta.fields), "notice_title", "notice_text"]

    @admin.display(description=_("title"))
    def notice_title(self, notification: Notification) -> str:
        return notification.title

    @admin.display(description=_("text"))
    def notice_text(self, notification: Notification) -> str:
        return notification.text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

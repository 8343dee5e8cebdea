from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts import audit
from accounts.models import AuditEntry, OrgUnit, User
from accounts.roles import ROLES
from accounts.scope import units_in_scope, users_in_scope


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit, fields=["name", "code", "kind"])
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]
    list_filter = ["kind"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The move form places the node in the tree; keep `parent` in step with it.
        parent = obj.get_parent(update=True)
        if obj.parent_id != (parent.pk if parent else None):
            OrgUnit.objects.filter(pk=obj.pk).update(parent=parent)
        audit.record(
            actor=request.user, action="org_unit.changed" if change else "org_unit.created", target=obj,
            changes={"name": obj.name, "code": obj.code, "parent": parent.pk if parent else None},
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "employee_code", "org_unit", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "invitation_pending"]
    search_fields = ["username", "full_name", "employee_code", "email"]
    ordering = ["full_name"]
    autocomplete_fields = ["org_unit"]
    filter_horizontal = ["groups", "user_permissions", "hr_scope"]
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
    readonly_fields = ["last_login", "date_joined", "invited_at"]
    # What only an administrator may change: the rest of the form is HR's too.
    ADMIN_ONLY_FIELDS = ["username", "password", "groups", "hr_scope", "is_staff", "is_superuser", "user_permissions"]

    def get_queryset(self, request):
        """HR officers see and change only the people of their scope."""
        return users_in_scope(request.user) if not request.user.has_role("admin") else super().get_queryset(request)

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_role("admin"):
            return self.readonly_fields
        return [*self.readonly_fields, *self.ADMIN_ONLY_FIELDS]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.has_role("admin") and obj.has_role("admin", "hr"):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "org_unit" and not request.user.has_role("admin"):
            kwargs["queryset"] = units_in_scope(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """Audit role and HR-scope changes made here, as the API does."""
        person = form.instance
        before = self._roles_and_scope(person) if change else ([], [])
        super().save_related(request, form, formsets, change)
        after = self._roles_and_scope(person)
        if after[0] != before[0]:
            audit.record(actor=request.user, action="user.roles_changed", target=person,
                         changes={"roles": [before[0], after[0]]})
        if after[1] != before[1]:
            audit.record(actor=request.user, action="user.hr_scope_changed", target=person,
                         changes={"hr_scope": [before[1], after[1]]})

    @staticmethod
    def _roles_and_scope(person: User) -> tuple[list, list]:
        roles = sorted(set(person.groups.values_list("name", flat=True)) & set(ROLES))
        return roles, sorted(person.hr_scope.values_list("pk", flat=True))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

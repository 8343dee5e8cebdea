"""The forms of HR's people pages; their field names are the API's (`search`, `org_unit`, `file`, ...)."""

import unicodedata
from functools import reduce
from operator import or_

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.scope import scope_paths, units_in_scope

SEARCHED = ("full_name", "username", "employee_code", "email")


class UnitLabels:
    """Units in tree order, each indented under its parent, with its code; `top_depth` is not indented."""

    def __init__(self, *args, top_depth: int = 1, **kwargs):
        self.top_depth = top_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, unit: OrgUnit) -> str:
        return f"{'– ' * max(unit.depth - self.top_depth, 0)}{unit.name} ({unit.code})"


class UnitChoiceField(UnitLabels, forms.ModelChoiceField):
    pass


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = type("UnitFilterField", (UnitLabels, django_filters.fields.ModelChoiceField), {})


def units_for(actor: User):
    """The units an officer may choose: current units of their scope (every unit for an administrator)."""
    return units_in_scope(actor).active().order_by("path")


def top_depth(actor: User) -> int:
    """The depth of the highest unit of the actor's scope, read from the paths (the tree's top for everyone)."""
    paths = scope_paths(actor)
    return min(len(path) for path in paths) // OrgUnit.steplen if paths else 1


class PeopleFilter(django_filters.FilterSet):
    """`/hr/people/?search=&org_unit=`, as the users API reads them."""

    search = django_filters.CharFilter(
        label=_("Name, username, employee code or e-mail"), method="matching", max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    org_unit = UnitFilter(
        label=_("Organisation unit, with the units under it"), method="in_unit",
        queryset=lambda request: units_for(request.user), empty_label=_("All the units in my charge"),
    )

    class Meta:
        model = User
        fields = ["search", "org_unit"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["org_unit"].extra["top_depth"] = top_depth(request.user)

    def matching(self, queryset, name, text):
        return queryset.filter(search_q(text)) if text.strip() else queryset

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit.subtree_q("org_unit__path"))


def search_q(text: str) -> Q:
    """Any of the searched fields holds the text, whatever its case.

    SQLite's LIKE ignores the case of ASCII letters only (Ễ is not ễ), so the text
    is also tried in lower case, upper case and with capitals, as names are written;
    PostgreSQL needs none of it. Accents are matched as typed.
    """
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    variants = {text, text.lower(), text.upper(), text.title()}
    return reduce(or_, (Q(**{f"{field}__icontains": variant}) for field in SEARCHED for variant in variants))


class PersonForm(forms.Form):
    """What HR may change of a learner (roles, HR scope, username and password are an administrator's)."""

    full_name = forms.CharField(label=_("Full name"), max_length=255)
    email = forms.EmailField(
        label=_("E-mail address"), required=False, max_length=254,
        help_text=_("A new address is used for password resets only once its owner confirms it."),
    )
    employee_code = forms.CharField(label=_("Employee code"), max_length=50, required=False)
    org_unit = UnitChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), empty_label=None,
        help_text=_("Moving a person to another unit enrols them in the courses assigned to it."),
    )
    position = forms.CharField(label=_("Position"), max_length=255, required=False)

    def __init__(self, *args, actor: User, person: User, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {
            "full_name": person.full_name, "email": person.email, "employee_code": person.employee_code,
            "org_unit": person.org_unit_id, "position": person.position,
        })
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["org_unit"].queryset = units_for(actor)
        self.fields["org_unit"].top_depth = top_depth(actor)

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_employee_code(self):
        # The rule of the users API (UserSerializer.validate_employee_code).
        code = self.cleaned_data["employee_code"].strip()
        if code and User.objects.filter(employee_code=code).exclude(pk=self.person.pk).exists():
            raise forms.ValidationError(_("Another person already has this employee code."))
        return code


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (CSV or XLSX)"),
        help_text=_("A header row first, then one person a row: username, full_name, email, employee_code, "
                    "org_unit (the unit's code) and, if you wish, position."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

"""The forms of HR's mandatory-assignment pages; their field names are the API's (course, org_unit, due_date)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.scope import scope_paths, units_in_scope
from courses.access import visible_assignments
from courses.models import Course

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PageForm(forms.Form):
    """Labels without a colon, as everywhere on the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, each indented by its depth under the top of the officer's scope."""

    def __init__(self, *args, top_depth: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.top_depth = top_depth

    def label_from_instance(self, unit):
        return f"{'— ' * max(unit.depth - self.top_depth, 0)}{unit.name}"


def top_depth(actor) -> int:
    """The depth of the highest unit the actor answers for (1, the province, for an administrator); no query."""
    paths = scope_paths(actor)
    return min(len(path) for path in paths) // OrgUnit.steplen if paths else 1


def clean_due_date(value):
    if value is not None and value < timezone.localdate():
        raise forms.ValidationError(_("The due date is in the past."))
    return value


class AssignForm(PageForm):
    """A published course, a unit of the officer's scope that still exists, a due date from today on."""

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none(),
                                    empty_label=_("Choose a course"),
                                    help_text=_("Published courses."))
    org_unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), empty_label=_("Choose a unit"),
                               help_text=_("Everyone in the unit and in the units under it is enrolled."))
    due_date = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(status=Course.Status.PUBLISHED).order_by("title", "pk")
        self.fields["org_unit"].queryset = units_in_scope(actor).active().order_by("path")
        self.fields["org_unit"].top_depth = top_depth(actor)

    def clean_due_date(self):
        return clean_due_date(self.cleaned_data["due_date"])


class DueDateForm(PageForm):
    due_date = forms.DateField(label=_("New due date"), widget=DATE,
                               help_text=_("People who have not completed the course get the new date too."))

    def clean_due_date(self):
        return clean_due_date(self.cleaned_data["due_date"])


class AssignmentFilterForm(PageForm):
    """The list's filters: a course that is assigned in the scope, a unit of the scope (with the units under it)."""

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none(), required=False,
                                    empty_label=_("All courses"))
    org_unit = UnitChoiceField(label=_("Unit, with the units under it"), queryset=OrgUnit.objects.none(),
                               required=False, empty_label=_("All my units"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        assigned = visible_assignments(actor).values("course_id")
        self.fields["course"].queryset = Course.objects.filter(pk__in=assigned).order_by("title", "pk")
        self.fields["org_unit"].queryset = units_in_scope(actor).order_by("path")
        self.fields["org_unit"].top_depth = top_depth(actor)

    def filter(self, assignments):
        course, unit = self.cleaned_data.get("course"), self.cleaned_data.get("org_unit")
        if course is not None:
            assignments = assignments.filter(course=course)
        if unit is not None:
            assignments = assignments.filter(unit.subtree_q("org_unit__path"))
        return assignments

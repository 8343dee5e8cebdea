"""The forms of HR's reports page; their field names are the API's (`kind`, `format`, `org_unit`, `from`, ...).

A report's filters are checked by `reports.filters`, as the API checks them: the
report form only draws the fields each kind takes and shows that check's refusals
beside them. Its fields accept any text, so that the one check says what is wrong.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.scope import units_in_scope
from courses.models import Course
from reports.filters import FORMATS
from reports.models import Format, Kind, ReportSchedule
from reports.queries import STATUS_LABELS
from training.models import Event

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
# The filters each report takes (see reports.queries): nothing it would ignore is asked for.
FILTERS = {
    Kind.COMPLETION: ("course", "org_unit", "status", "from", "to"),
    Kind.ATTENDANCE: ("event", "course", "org_unit", "from", "to"),
    Kind.HOURS: ("org_unit", "year"),
    Kind.SUMMARY: ("org_unit", "year"),
}
FORMAT_LABELS = {
    Format.XLSX: _("Excel workbook (XLSX)"),
    Format.CSV: _("CSV text, for any spreadsheet program"),
    Format.PDF: _("PDF (the summary, to print and sign)"),
}


class PageForm(forms.Form):
    """Labels without a colon, as everywhere on the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def unit_choices(units) -> list[tuple[int, str]]:
    """Units in tree order, each indented under the one above it."""
    units = list(units.only("pk", "name", "depth", "path"))
    top = min((unit.depth for unit in units), default=1)
    return [(unit.pk, f"{'— ' * (unit.depth - top)}{unit.name}") for unit in units]


def _select(label, choices, empty_label, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, required=False,
                           widget=forms.Select(choices=[("", empty_label), *choices]), **kwargs)


class ReportForm(PageForm):
    """One kind of report: its filters and its format, for the GET form that downloads it and the POSTs that
    make it in the background or on a schedule. `refusal` is what `reports.filters` said against the data."""

    def __init__(self, *args, kind: str, user, refusal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.refusal = kind, refusal or {}
        wanted = FILTERS[kind]
        fields = {"kind": forms.CharField(widget=forms.HiddenInput, initial=kind)}
        if "event" in wanted:
            events = Event.objects.order_by("-starts_on", "title").values_list("pk", "title", "starts_on")
            fields["event"] = _select(
                _("Class or conference"), [(pk, f"{title} ({starts_on:%d/%m/%Y})") for pk, title, starts_on in events],
                _("All classes and conferences"))
        if "course" in wanted:
            courses = Course.objects.order_by("code").values_list("pk", "code", "title")
            fields["course"] = _select(_("Course"), [(pk, f"{code} — {title}") for pk, code, title in courses],
                                       _("All courses"))
        fields["org_unit"] = _select(
            _("Organisation unit"), unit_choices(units_in_scope(user).active()), _("All the units in my charge"),
            help_text=_("The unit and every unit under it."))
        if "status" in wanted:
            fields["status"] = _select(_("Status"), list(STATUS_LABELS.items()), _("Any status"))
        if "from" in wanted:
            period = _("Enrolments open at some time in the period.") if kind == Kind.COMPLETION \
                else _("Classes and conferences held at some time in the period.")
            fields["from"] = forms.CharField(label=_("From"), required=False, widget=DATE)
            fields["to"] = forms.CharField(label=_("To"), required=False, widget=DATE, help_text=period)
        if "year" in wanted:
            # Empty by default, so that a schedule counts the year of each run, not the year it was made in.
            fields["year"] = forms.CharField(
                label=_("Year"), required=False,
                widget=forms.NumberInput(attrs={"min": 2000, "max": 2100, "placeholder": timezone.localdate().year}),
                help_text=_("The year whose training hours are counted; empty, the current year."))
        fields["format"] = forms.CharField(
            label=_("Format"), initial=Format.XLSX,
            widget=forms.RadioSelect(choices=[(format, FORMAT_LABELS[format]) for format in FORMATS[kind]]))
        self.fields.update(fields)

    def clean(self):
        for field, messages in self.refusal.items():
            self.add_error(field if field in self.fields else None, messages)
        return super().clean()

    @staticmethod
    def filters_of(kind: str, data) -> dict:
        """The filters of `data` that `kind` takes: what the services check and keep."""
        return {key: data.get(key, "") for key in FILTERS[kind]}


class PrintForm(PageForm):
    """The printable summary's one filter (its kind and format go as hidden fields)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _select(
            _("Organisation unit"), unit_choices(units_in_scope(user).active()), _("All the units in my charge"))


class ScheduleForm(PageForm):
    every = forms.ChoiceField(label=_("Send it"), choices=ReportSchedule.Every.choices, widget=forms.RadioSelect,
                              initial=ReportSchedule.Every.MONTH)


class MergeForm(PageForm):
    org_unit = forms.ModelChoiceField(label=_("The unit that is merged"), queryset=OrgUnit.objects.none())
    into = forms.ModelChoiceField(label=_("Merged into"), queryset=OrgUnit.objects.none(),
                                  help_text=_("Its people, sub-units, HR officers and mandatory courses go here."))
    on = forms.DateField(label=_("Merged on"), widget=DATE, help_text=_("The day it took effect: today or earlier."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.active()
        labels = dict(unit_choices(units))
        for name in ("org_unit", "into"):
            self.fields[name].queryset = units
            self.fields[name].empty_label = _("Choose a unit")
            self.fields[name].label_from_instance = lambda unit: labels.get(unit.pk, unit.name)
        self.fields["on"].initial = timezone.localdate()


class DissolveForm(PageForm):
    org_unit = forms.ModelChoiceField(
        label=_("The unit that is dissolved"), queryset=OrgUnit.objects.none(),
        help_text=_("Its people and sub-units move up to the unit above it."))
    on = forms.DateField(label=_("Dissolved on"), widget=DATE, help_text=_("The day it took effect: today or earlier."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.active().filter(parent__isnull=False)
        labels = dict(unit_choices(units))
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].empty_label = _("Choose a unit")
        self.fields["org_unit"].label_from_instance = lambda unit: labels.get(unit.pk, unit.name)
        self.fields["on"].initial = timezone.localdate()

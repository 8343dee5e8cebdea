"""The forms of the classes-and-conferences pages; their field names are the API's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from courses.access import taught_courses
from courses.models import Course, Topic
from training.models import Event

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MOMENT = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class PageForm(forms.Form):
    """Labels without a colon, as everywhere on the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EventForm(PageForm):
    """A class or conference; `kind` only when it is created (it never changes after)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices, widget=forms.RadioSelect,
                             initial=Event.Kind.CLASS)
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    venue = forms.CharField(label=_("Venue"), max_length=255, required=False)
    speakers = forms.CharField(label=_("Speakers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Conferences: names and titles, one a line."))
    cohort = forms.CharField(label=_("Cohort"), max_length=255, required=False,
                             help_text=_("Classes: the cohort's name."))
    school = forms.CharField(label=_("School"), max_length=255, required=False,
                             help_text=_("Classes: the school that runs the class."))
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, initial=Topic.OTHER)
    hours = forms.DecimalField(label=_("Training hours"), min_value=0, max_value=9999, max_digits=5,
                               decimal_places=1, initial=0, localize=True,  # "4,5" as Vietnamese writes it
                               widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                               help_text=_("Credited to each person who meets the attendance rule."))
    attendance_percent = forms.IntegerField(
        label=_("Attendance required (%)"), min_value=1, max_value=100, initial=80,
        help_text=_("Share of sessions present or late that counts as attended."))
    courses = forms.ModelMultipleChoiceField(
        label=_("Linked courses"), queryset=Course.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The courses you teach. People on the roster are enrolled in them; a course whose rule is "
                    "attendance is completed when the attendance rule is met."))

    def __init__(self, *args, user, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        courses = taught_courses(user)
        if event is not None:
            unused = ("kind", "speakers") if event.kind == Event.Kind.CLASS else ("kind", "cohort", "school")
            for name in unused:
                del self.fields[name]
            courses = courses | Course.objects.filter(events=event)
        self.fields["courses"].queryset = courses.distinct().order_by("title", "pk")

    def service_fields(self) -> dict:
        """What `create_event` / `update_event` take: the class fields or the conference fields."""
        data = dict(self.cleaned_data)
        data.pop("kind", None)
        return data


def event_initial(event: Event) -> dict:
    fields = ("title", "starts_on", "ends_on", "venue", "speakers", "cohort", "school", "topic", "hours",
              "attendance_percent")
    return {field: getattr(event, field) for field in fields} | {"courses": [course.pk for course in event.courses.all()]}


class SessionForm(PageForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=MOMENT, input_formats=MOMENT_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=MOMENT, input_formats=MOMENT_FORMATS)


class PeopleForm(PageForm):
    """People picked from a search by name or employee code."""

    users = forms.TypedMultipleChoiceField(label=_("People to add"), coerce=int, choices=())

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = [(person.pk, person.full_name) for person in people]


class OrgUnitForm(PageForm):
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none(),
                                      help_text=_("Every active person of the unit and the units under it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.active()
        self.fields["org_unit"].label_from_instance = lambda unit: f"{'— ' * (unit.depth - 1)}{unit.name}"


class RosterFileForm(PageForm):
    file = forms.FileField(label=_("File (CSV or XLSX)"),
                           help_text=_("A header row, then one person a line, with an “employee_code” or "
                                       "“username” column. Nobody is added until every line is right."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

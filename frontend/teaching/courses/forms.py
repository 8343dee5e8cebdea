"""The instructor's course forms: their fields carry the API's field names; the services do the saving."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Lesson, Module


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["code", "title", "topic", "summary", "hours", "completion_rule", "certificate_template",
                  "certificate_validity_months"]
        labels = {"code": _("Course code"), "title": _("Course title"), "summary": _("Summary")}
        help_texts = {"code": _("A short code, unique across the platform, e.g. CCHC-01.")}
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        localized_fields = ["hours"]  # "4,5" as Vietnamese writes it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not below 0: the model's validator says so.
        self.fields["hours"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        if "certificate_template" in self.fields:
            self.fields["certificate_template"].empty_label = _("The default template")


class NewCourseForm(CourseForm):
    """A new course asks for the essentials; the rest waits on the course's page."""

    class Meta(CourseForm.Meta):
        fields = ["code", "title", "topic", "summary", "hours"]


class CopyForm(forms.Form):
    code = forms.CharField(label=_("Code of the copy"), max_length=50,
                           help_text=_("A short code, unique across the platform, e.g. CCHC-01."))
    title = forms.CharField(label=_("Title of the copy"), max_length=255)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Course.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A course with this code already exists."))
        return code


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title"]
        labels = {"title": _("Module title")}


LESSON_HELP = {
    "kind": _("Text: write it below. Video: a YouTube or Vimeo address. Link: any web page. "
              "File: a PDF, Word, Excel, PowerPoint, PNG or JPEG file."),
    "body": _("Headings, lists, links and emphasis are kept; scripts and styles are removed."),
    "url": _("For a video or link lesson, e.g. https://www.youtube.com/watch?v=…"),
    "file": _("For a file lesson."),
}


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["title", "kind", "body", "url", "file", "estimated_minutes"]
        labels = {"title": _("Lesson title"), "body": _("Content"), "url": _("Address (URL)")}
        help_texts = LESSON_HELP
        widgets = {"body": forms.Textarea(attrs={"rows": 12}), "file": forms.FileInput}


class NewLessonForm(LessonForm):
    """A lesson added to one of the course's modules."""

    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none(), empty_label=None)

    class Meta(LessonForm.Meta):
        fields = ["module", *LessonForm.Meta.fields]

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = course.modules.all()


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])

    @property
    def step(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


def order_ids(values: list[str]) -> list[int] | None:
    """The ids of a drag-and-drop order, or None when one is not a number."""
    try:
        return [int(value) for value in values]
    except ValueError:
        return None

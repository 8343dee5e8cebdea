from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.models import Category, QuestionBank, Quiz

# A datetime-local box speaks ISO without seconds; Django reads it in the current time zone (Asia/Ho_Chi_Minh).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

SETTINGS = ["title", "bank", "category", "question_count", "time_limit_minutes", "max_attempts", "grading_method",
            "pass_percent", "shuffle_questions", "shuffle_choices", "review", "counts_for_completion", "opens_at",
            "closes_at", "layout"]

HELP = {
    "title": _("The name learners see on the course page, e.g. “Final test: one-stop shop”."),
    "course": _("Only learners enrolled in this course can take the quiz."),
    "bank": _("The questions are drawn from this bank of the course."),
    "category": _("Only questions of this category. Leave empty to use the whole bank."),
    "question_count": _("How many questions each learner gets, drawn at random for each attempt. Leave empty to "
                        "give every question."),
    "time_limit_minutes": _("The attempt is handed in by itself when the time runs out. Leave empty for no limit."),
    "max_attempts": _("How many times a learner may take the quiz. Leave empty for no limit."),
    "grading_method": _("Which attempt counts when a learner takes the quiz more than once."),
    "pass_percent": _("The share of the points a learner needs to pass, from 0 to 100."),
    "shuffle_questions": _("Each learner gets the questions in a different order, so neighbours cannot copy."),
    "shuffle_choices": _("The answers of each question come in a different order for each learner."),
    "review": _("When learners may see which answers were right, their points and the feedback."),
    "counts_for_completion": _("Untick for a practice quiz: the course is then completed without passing it."),
    "opens_at": _("Vietnam time (UTC+7). Leave empty to open it at once."),
    "closes_at": _("Vietnam time (UTC+7). Leave empty to keep it open. Attempts still open then are handed in."),
    "layout": _("One question per page suits phones and long questions: the learner moves with “Previous” and "
                "“Next”, and every move saves the answers."),
}


class OptionDataSelect(forms.Select):
    """A select whose options carry `data-<name>` from their object, so that a script can filter them."""

    def __init__(self, *args, data: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.data = data  # {"course": "course_id"}: data-course = option's object.course_id

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        for key, attribute in self.data.items():
            if instance is not None:
                option["attrs"][f"data-{key}"] = getattr(instance, attribute)
        return option


class BankChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, bank):
        return f"{bank.name} ({bank.course.code})"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"{category.name} ({category.bank.name})"


class QuizForm(forms.ModelForm):
    """A quiz's settings; the model's rules (and the service's) give the errors of fields taken together."""

    class Meta:
        model = Quiz
        fields = SETTINGS
        help_texts = HELP
        field_classes = {"bank": BankChoiceField, "category": CategoryChoiceField}
        widgets = {
            "bank": OptionDataSelect(data={"course": "course_id"}),
            "category": OptionDataSelect(data={"bank": "bank_id"}),
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "layout": forms.RadioSelect,
        }

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        banks = QuestionBank.objects.filter(course__in=courses).select_related("course").order_by("course__code",
                                                                                                     "name", "pk")
        self.fields["bank"].queryset = banks
        self.fields["category"].queryset = (Category.objects.filter(bank__course__in=courses).select_related("bank")
                                            .order_by("bank__name", "bank_id", "name"))
        self.fields["category"].empty_label = _("The whole bank")
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        for name in ("question_count", "time_limit_minutes", "max_attempts", "pass_percent"):
            self.fields[name].widget.attrs["inputmode"] = "decimal" if name == "pass_percent" else "numeric"
        self.fields["layout"].required = False

    def clean_layout(self):
        """Left out (a form from before there was a choice), the layout stays: a new quiz's is all on one page."""
        return self.cleaned_data["layout"] or self.instance.layout


class NewQuizForm(QuizForm):
    """A new quiz: for one of my courses, from one of its banks."""

    class Meta(QuizForm.Meta):
        fields = ["course", *SETTINGS]

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, courses=courses, **kwargs)
        self.fields["course"].queryset = courses.order_by("code", "pk")
        self.fields["course"].label_from_instance = lambda course: f"{course.code} – {course.title}"
        self.fields["course"].help_text = HELP["course"]
        self.order_fields(["title", "course", *SETTINGS])

"""The forms of the question bank pages: a bank, a question of each type with its answers, an import, an export.

A question's form and its answers' formset build a `ParsedQuestion`, which
`quizzes.question_rules` judges as it judges the API and imports; its problems
come back beside the fields they are about. Weights are shown as percent (the
models keep a fraction from -1 to 1).
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.access import taught_courses
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Question, QuestionType
from quizzes.question_rules import MAX_POINTS, question_problems

HUNDRED = Decimal(100)
MAX_NUMBER = Decimal(10) ** 12


class NumberField(forms.CharField):
    """A number as Vietnamese writes it ("3,5") or as English does ("3.5"), cleaned to a Decimal."""

    default_error_messages = {"invalid": _("Enter a number, for example 3,5.")}

    def __init__(self, *, minimum=None, maximum=None, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off", "maxlength": "40"}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return plain_number(value).replace(".", ",")
        return value

    def to_python(self, value):
        text = super().to_python(value).replace(" ", "").replace(",", ".")
        if text in self.empty_values:
            return None
        if len(text) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
            raise ValidationError(_("Enter a number from %(minimum)s to %(maximum)s.") % {
                "minimum": plain_number(self.minimum).replace(".", ","),
                "maximum": plain_number(self.maximum).replace(".", ",")}, code="range")


def plain_number(value: Decimal) -> str:
    """3.50000 → "3.5", 100 → "100" (never 1E+2)."""
    normal = value.normalize()
    return str(normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal)


def percent_field(**kwargs) -> NumberField:
    return NumberField(label=_("Weight (%)"), minimum=-HUNDRED, maximum=HUNDRED, **kwargs)


class BankForm(forms.Form):
    name = forms.CharField(label=_("Name of the bank"), max_length=255,
                           help_text=_("For example: Cải cách hành chính – chương 1."))
    course = forms.ModelChoiceField(label=_("Course"), queryset=None, empty_label=_("— Choose a course —"),
                                    help_text=_("Only the instructors of this course can see and edit the bank."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = taught_courses(user).order_by("title", "pk")


class QuestionForm(forms.Form):
    """What every type of question has; a type's own fields are added by its subclass."""

    title = forms.CharField(label=_("Short title"), max_length=255, required=False,
                            help_text=_("Helps you find the question in the list; learners do not see it."))
    text = forms.CharField(label=_("Question text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000)
    text_format = forms.ChoiceField(label=_("Text format"), choices=Question.TextFormat.choices, initial="plain",
                                    help_text=_("Plain text unless you pasted HTML."))
    category = forms.CharField(label=_("Category"), max_length=255, required=False,
                               help_text=_("Choose one or type a new name; write nested categories with a slash, "
                                           "for example Một cửa/Quy trình."))
    points = NumberField(label=_("Points"), minimum=Decimal(0), maximum=MAX_POINTS, required=True, initial=Decimal(1),
                         help_text=_("What a fully right answer is worth."))
    general_feedback = forms.CharField(label=_("General feedback"), required=False, max_length=20_000,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("Shown to every learner after the attempt, whatever they answered."))

    answers_name = _("Answers")
    answers_help = ""
    answers_field = "answers"  # where the rules' problems with the answers are shown
    row_form = None
    extra_rows = 0

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.attrs["list"] = "bank-categories"
        self.categories = list(categories)

    def options(self) -> dict:
        return {}

    def answers_from(self, rows: list[dict]) -> list[ParsedAnswer]:
        return [_answer(row) for row in rows]

    def parsed(self, kind: str, rows: list[dict]) -> ParsedQuestion:
        data = self.cleaned_data
        return ParsedQuestion(
            type=kind, text=data["text"], title=data["title"], text_format=data["text_format"],
            category=data["category"].strip(), general_feedback=data["general_feedback"], points=data["points"],
            options=self.options(), answers=self.answers_from(rows))

    @classmethod
    def initial_from(cls, question: Question, choices: list) -> dict:
        return {"title": question.title, "text": question.text, "text_format": question.text_format,
                "category": question.category.name if question.category else "", "points": question.points,
                "general_feedback": question.general_feedback}

    @classmethod
    def rows_from(cls, choices: list) -> list[dict]:
        return [{"id": choice.pk, **{name: _shown(name, getattr(choice, name)) for name in cls.row_form.base_fields
                                     if name != "id"}} for choice in choices]


def _shown(name: str, value):
    """A stored value as the form shows it: weights in percent."""
    if name == "fraction":
        return value * HUNDRED
    return value


def _answer(row: dict) -> ParsedAnswer:
    answer = ParsedAnswer(**{name: value for name, value in row.items() if name not in ("id", "DELETE")})
    answer.fraction = (row.get("fraction") or Decimal(0)) / HUNDRED
    answer.id = row.get("id")  # replace_question keeps the answer (and the id learners saw) by it
    return answer


class AnswerRow(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(value not in (None, "", False) for name, value in data.items() if name not in ("id", "DELETE"))


class ChoiceRow(AnswerRow):
    text = forms.CharField(label=_("Answer"), required=False, max_length=20_000)
    fraction = percent_field()
    feedback = forms.CharField(label=_("Feedback"), required=False, max_length=20_000,
                               help_text=_("Shown to a learner who chose this answer."))


class ShortAnswerRow(AnswerRow):
    text = forms.CharField(label=_("Accepted answer"), required=False, max_length=20_000)
    fraction = percent_field(initial=HUNDRED)
    feedback = forms.CharField(label=_("Feedback"), required=False, max_length=20_000)


class NumericalRow(AnswerRow):
    value = NumberField(label=_("Value"))
    tolerance = NumberField(label=_("Tolerance (±)"), minimum=Decimal(0), maximum=MAX_NUMBER)
    minimum = NumberField(label=pgettext_lazy("range", "From"))
    maximum = NumberField(label=pgettext_lazy("range", "To"))
    fraction = percent_field(initial=HUNDRED)
    feedback = forms.CharField(label=_("Feedback"), required=False, max_length=20_000)


class MatchingRow(AnswerRow):
    text = forms.CharField(label=_("Item"), required=False, max_length=20_000,
                           help_text=_("Leave empty for an extra option that matches nothing."))
    match_text = forms.CharField(label=_("Its match"), required=False, max_length=20_000)


class ChoiceQuestionForm(QuestionForm):
    row_form = ChoiceRow
    extra_rows = 4


class SingleForm(ChoiceQuestionForm):
    answers_help = _("Give the right answer a weight of 100 and the wrong ones 0 (or leave it empty). An answer "
                     "that is partly right can be worth part of the points, for example 50. The learner chooses "
                     "one answer; the order is shuffled if the quiz shuffles answers.")


class MultipleForm(ChoiceQuestionForm):
    answers_help = _("The learner ticks one or more answers and scores the sum of their weights. Share 100 among "
                     "the right answers (two right answers: 50 each) and give wrong ones 0 or a negative weight, "
                     "for example -50, so that ticking everything does not pay.")


class TrueFalseForm(QuestionForm):
    correct = forms.TypedChoiceField(label=_("The right answer"), choices=[("true", _("True")), ("false", _("False"))],
                                     widget=forms.RadioSelect, coerce=lambda value: value == "true",
                                     error_messages={"required": _("Choose whether the statement is true or false.")})
    feedback_true = forms.CharField(label=_("Feedback for a learner who answers True"), required=False,
                                    max_length=20_000)
    feedback_false = forms.CharField(label=_("Feedback for a learner who answers False"), required=False,
                                     max_length=20_000)
    answers_field = "correct"
    answers_help = _("The learner reads a statement and answers True or False.")

    def answers_from(self, rows):
        data = self.cleaned_data
        return [ParsedAnswer(text=text, fraction=Decimal(data["correct"] == (text == "true")),
                             feedback=data[f"feedback_{text}"]) for text in ("true", "false")]

    @classmethod
    def initial_from(cls, question, choices):
        initial = super().initial_from(question, choices)
        for choice in choices:
            initial[f"feedback_{choice.text}"] = choice.feedback
            if choice.fraction == 1:
                initial["correct"] = choice.text
        return initial


class ShortAnswerForm(QuestionForm):
    row_form = ShortAnswerRow
    extra_rows = 3
    ignore_diacritics = forms.BooleanField(
        label=_("Accept answers written without diacritics"), required=False,
        help_text=_("“Cai cach hanh chinh” then counts as “Cải cách hành chính”."))
    case_sensitive = forms.BooleanField(
        label=_("Capital letters must match"), required=False,
        help_text=_("Unticked, “cchc” counts as “CCHC”. Extra spaces never count."))
    answers_help = _("The learner types a word or a short phrase. List every wording you accept, each with its "
                     "weight: 100 for a fully right answer, less for one that is partly right. An answer * alone "
                     "stands for any other answer (for its feedback).")

    def options(self):
        return {name: True for name in ("ignore_diacritics", "case_sensitive") if self.cleaned_data[name]}

    @classmethod
    def initial_from(cls, question, choices):
        options = question.options or {}
        return {**super().initial_from(question, choices), **{name: bool(options.get(name))
                                                               for name in ("ignore_diacritics", "case_sensitive")}}


class NumericalForm(QuestionForm):
    row_form = NumericalRow
    extra_rows = 2
    answers_help = _("The learner types a number. Each accepted answer is either a value with a tolerance (4 ± 0 "
                     "means exactly 4; 3,5 ± 0,5 accepts 3 to 4) or a range from one number to another; fill one of "
                     "the two, not both. Decimals can be written with a comma.")


class MatchingForm(QuestionForm):
    row_form = MatchingRow
    extra_rows = 4
    answers_name = _("Pairs")
    answers_help = _("Each item is shown with a list of every match, shuffled; the learner chooses the right one "
                     "for each item. Give at least two pairs; an option without an item makes the choice harder. "
                     "Every pair right scores full points, half of them half.")


class EssayForm(QuestionForm):
    answers_help = _("The learner writes a free answer, which you grade by hand on the Essay grading page.")


QUESTION_FORMS = {
    QuestionType.SINGLE: SingleForm,
    QuestionType.MULTIPLE: MultipleForm,
    QuestionType.TRUE_FALSE: TrueFalseForm,
    QuestionType.SHORT_ANSWER: ShortAnswerForm,
    QuestionType.NUMERICAL: NumericalForm,
    QuestionType.MATCHING: MatchingForm,
    QuestionType.ESSAY: EssayForm,
}


def answer_formset(form_class, *, data=None, initial=(), more: int = 0):
    """The rows of answers of a type, with a few blank ones to fill (no JavaScript needed); None for types without."""
    row_form = getattr(form_class, "row_form", None)
    if row_form is None:
        return None
    formset = forms.formset_factory(row_form, extra=form_class.extra_rows + more, can_delete=bool(initial),
                                    max_num=100, absolute_max=100, validate_max=True)
    return formset(data=data, initial=list(initial) or None, prefix="answers")


class QuestionFilterForm(forms.Form):
    search = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")),
                                           *((category.pk, category.name) for category in categories)]


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format of the file"), widget=forms.RadioSelect, initial="gift",
                               choices=[("gift", _("GIFT (Moodle), a text file")),
                                        ("aiken", _("Aiken, a text file of single-choice questions")),
                                        ("xlsx", _("Excel workbook (XLSX) made from the template"))])
    file = forms.FileField(label=_("File"))



class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), initial="gift",
                               choices=[("gift", _("GIFT (Moodle)")), ("aiken", _("Aiken (single choice only)")),
                                        ("xlsx", _("Excel (XLSX)"))])


class QuestionEditor:
    """A question's form and its answers' formset, judged together by the rules of `quizzes.question_rules`."""

    def __init__(self, kind: str, *, data=None, categories=(), question: Question | None = None):
        self.kind = kind
        form_class = QUESTION_FORMS[kind]
        choices = list(question.choices.all()) if question else []
        initial = form_class.initial_from(question, choices) if question else None
        self.form = form_class(data=data, initial=initial, categories=categories)
        rows = form_class.rows_from(choices) if question and form_class.row_form else ()
        self.formset = answer_formset(form_class, data=data, initial=rows)
        self.answer_errors: list[str] = []

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        valid = (self.formset is None or self.formset.is_valid()) and valid
        if not valid:
            return False
        problems = question_problems(self.parsed())
        for field, messages in problems.items():
            if field in ("points", "category"):
                self.form.add_error(field, messages)
            elif field == "answers" and self.form.answers_field in self.form.fields:
                self.form.add_error(self.form.answers_field, messages)
            else:
                self.answer_errors += messages
        return not problems

    def parsed(self) -> ParsedQuestion:
        return self.form.parsed(self.kind, self._filled_rows())

    def _filled_rows(self) -> list[dict]:
        if self.formset is None:
            return []
        return [row.cleaned_data for row in self.formset.forms
                if row.has_content() and not row.cleaned_data.get("DELETE")]

    def summary(self) -> list[tuple[str, str]]:
        """Every problem as (link to its field, message), for the summary at the top of the page."""
        found = [(f"#{self.form[name].auto_id}", f"{self.form[name].label}: {message}") if name in self.form.fields
                 else ("#question-form", message) for name, messages in self.form.errors.items() for message in messages]
        if self.formset is not None:
            for number, row in enumerate(self.formset.forms, 1):
                found += [(f"#{row[name].auto_id}", _("Answer %(number)d, %(field)s: %(message)s") % {
                    "number": number, "field": row[name].label, "message": message})
                    for name, messages in row.errors.items() if name in row.fields for message in messages]
            found += [("#answers", message) for message in self.formset.non_form_errors()]
        return found + [("#answers", message) for message in self.answer_errors]

"""The form a learner answers a quiz with; instructors' previews show the same form."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from quizzes.snapshot import MAX_TEXT_ANSWER


class DecimalCommaField(forms.CharField):
    """A number as Vietnamese writes it ("3,5") or as English does ("3.5"); cleaned to an int or a float."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                    "pattern": r"\s*[\-+]?[0-9]+([.,][0-9]+)?\s*"})
    default_error_messages = {"invalid": _("Enter a number, for example 3,5.")}

    def to_python(self, value):
        text = super().to_python(value).replace(" ", "").replace(",", ".")
        if text in self.empty_values:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number) if number == number.to_integral_value() else float(number)


def _true_or_false(value: str) -> bool:
    return value == "true"


class AttemptForm(forms.Form):
    """Every question of an attempt as form fields, and the answers in the API's shapes (see API.md).

    Built from `snapshot.learner_view` of each question, so it never holds a weight,
    a key or feedback. Field names: `q<question id>`, and `q<question id>-<item id>`
    for each item of a matching question.
    """

    def __init__(self, questions: list[dict], saved: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.names: dict[int, list[str]] = {}
        for question in questions:
            fields = dict(_fields_for(question))
            self.names[question["id"]] = list(fields)
            self.fields.update(fields)
            self.initial.update(_initial_for(question, saved.get(str(question["id"]))))

    def fields_of(self, question: dict) -> list:
        return [self[name] for name in self.names[question["id"]]]

    def answers(self) -> dict[str, object]:
        """After `is_valid()`: every question's answer, None where it was left empty."""
        return {str(question["id"]): self._answer(question) for question in self.questions}

    def _answer(self, question: dict):
        values = [self.cleaned_data.get(name) for name in self.names[question["id"]]]
        if question["type"] == "matching":
            items = question["choices"]["items"]
            pairs = {str(item["id"]): value for item, value in zip(items, values) if value is not None}
            return pairs or None
        value = values[0]
        return None if value in (None, "", []) else value


def _fields_for(question: dict):
    name, kind = f"q{question['id']}", question["type"]
    label = _("Your answer")
    if kind == "single":
        yield name, forms.TypedChoiceField(label=label, choices=_choices(question), coerce=int, empty_value=None,
                                           required=False, widget=forms.RadioSelect)
    elif kind == "multiple":
        yield name, forms.TypedMultipleChoiceField(label=label, choices=_choices(question), coerce=int,
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    elif kind == "true_false":
        yield name, forms.TypedChoiceField(label=label, choices=[("true", _("True")), ("false", _("False"))],
                                           coerce=_true_or_false, empty_value=None, required=False,
                                           widget=forms.RadioSelect)
    elif kind == "numerical":
        yield name, DecimalCommaField(label=label, required=False)
    elif kind == "matching":
        options = [("", _("— Choose —")), *((option["id"], option["text"]) for option in question["choices"]["options"])]
        for item in question["choices"]["items"]:
            yield f"{name}-{item['id']}", forms.TypedChoiceField(label=item["text"], choices=options, coerce=int,
                                                                 empty_value=None, required=False)
    else:
        widget = forms.Textarea(attrs={"rows": 8}) if kind == "essay" else forms.TextInput(attrs={"autocomplete": "off"})
        yield name, forms.CharField(label=label, max_length=MAX_TEXT_ANSWER, required=False, widget=widget)


def _choices(question: dict) -> list[tuple[int, str]]:
    return [(choice["id"], choice["text"]) for choice in question["choices"]]


def _initial_for(question: dict, saved) -> dict:
    name, kind = f"q{question['id']}", question["type"]
    if saved is None:
        return {}
    if kind == "matching":
        saved = saved if isinstance(saved, dict) else {}
        return {f"{name}-{item}": option for item, option in saved.items()}
    if kind == "true_false":
        return {name: "true" if saved else "false"}
    if kind == "numerical":
        return {name: number_format(Decimal(str(saved).replace(",", ".")))}
    return {name: saved}

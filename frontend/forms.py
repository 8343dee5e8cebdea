from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.audit import client_ip
from accounts.forms import PasswordResetForm
from accounts.signin import SignInThrottled, retry_after
from courses.models import Topic
from quizzes.snapshot import MAX_TEXT_ANSWER


class SignInForm(AuthenticationForm):
    """Django's sign-in form that says so when sign-ins are throttled.

    The throttling backend refuses with PermissionDenied, which Django's form
    turns into "wrong username or password"; a person locked out should be told
    to wait or reset their password instead.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Note that both are case-sensitive."),
    }

    def clean(self):
        if (wait := self._wait()) is not None:
            raise self._throttled_error(wait)
        return super().clean()

    def get_invalid_login_error(self):
        # The failure just recorded may have reached the limit: say so at once.
        if (wait := self._wait()) is not None:
            return self._throttled_error(wait)
        return super().get_invalid_login_error()

    def _wait(self) -> int | None:
        """Seconds until this person may try again (as the API's Retry-After says), or None."""
        address = client_ip(self.request) if self.request is not None else None
        return retry_after(self.cleaned_data.get("username") or "", address)

    @staticmethod
    def _throttled_error(wait: int) -> ValidationError:
        return ValidationError(SignInThrottled(wait).args[0], code="throttled")


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by title"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("All topics")), *Topic.choices])


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


class GradeForm(forms.Form):
    points = forms.DecimalField(label=_("Points"), min_value=Decimal("0"), max_digits=8, decimal_places=2,
                                localize=True)
    comment = forms.CharField(label=_("Comment for the learner"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, max_points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        points = self.fields["points"]
        points.validators.append(MaxValueValidator(max_points))
        points.help_text = _("From 0 to %(max)s.") % {"max": floatformat(max_points, "-2")}
        points.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

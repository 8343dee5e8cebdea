from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Topic


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by title"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("All topics")), *Topic.choices])

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _


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

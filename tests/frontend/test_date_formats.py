from datetime import date

from django import forms
from django.utils import translation


def test_a_date_typed_the_vietnamese_way_is_read_day_first():
    with translation.override("vi"):
        field = forms.DateField()
        assert field.clean("05/10/2026") == date(2026, 10, 5)
        assert field.clean("2026-10-05") == date(2026, 10, 5)

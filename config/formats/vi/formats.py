"""Vietnamese formats: Django's, plus the input formats it lacks.

Without them Django falls back to the US `%m/%d/%Y`, so "05/10/2026" typed in
the admin became 10 May instead of 5 October. The first format is also the one
the admin's date widgets write.
"""

from django.conf.locale.vi.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
]
FIRST_DAY_OF_WEEK = 1  # Monday

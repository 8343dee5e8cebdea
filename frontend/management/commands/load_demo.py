from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts import demo
from certificates import demo as certificates_demo
from courses import demo as courses_demo
from quizzes import demo as quizzes_demo
from training import demo as training_demo


class Command(BaseCommand):
    help = "Loads the demo province: units, people, courses, quizzes; running it again changes nothing."

    def handle(self, *args, **options):
        summary = demo.load()
        certificates_demo.load()
        courses = courses_demo.load()
        banks = quizzes_demo.load(courses)
        training_demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS(
            _("Demo data ready: %(units)d new org units, %(people)d new people.")
            % {"units": summary.units_created, "people": summary.people_created}
        ))
        self.stdout.write(_("%(courses)d demo courses, %(banks)d new question banks.")
                          % {"courses": len(courses), "banks": banks})
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and sign in as:") % {"url": settings.SITE_URL + "/"})
        self.stdout.write("")
        self.print_logins()

    def print_logins(self) -> None:
        rows = [(_("Username"), _("Role"), _("Password"))]
        rows += [(username, str(role), demo.DEMO_PASSWORD) for username, role in demo.logins()]
        widths = [max(len(row[column]) for row in rows) for column in range(2)]
        for username, role, password in rows:
            self.stdout.write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {password}")

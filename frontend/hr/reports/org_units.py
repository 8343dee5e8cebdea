"""Administrators only: merge an org unit into another, or dissolve one, after a confirmation that says what moves.

The first POST checks the form and shows the confirmation; the second, with
`confirmed`, calls the accounts service, whose refusals are shown beside the fields.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.models import OrgUnit, User
from accounts.roles import Role
from courses.models import Assignment
from frontend.access import add_errors, role_required
from frontend.hr.reports.forms import DissolveForm, MergeForm

ORG_UNITS = "#org-units"

admin_required = role_required(
    Role.ADMIN, message=gettext_lazy("Only administrators merge or dissolve organisation units."))


@admin_required
@require_http_methods(["GET", "POST"])
def merge(request):
    form = MergeForm(request.POST if request.method == "POST" else None, auto_id="merge-%s")
    if request.method == "POST" and form.is_valid():
        unit, into, on = (form.cleaned_data[name] for name in ("org_unit", "into", "on"))
        if "confirmed" not in request.POST:
            return confirm(request, "merge", form, unit, successor=into)
        try:
            services.merge_org_unit(actor=request.user, unit=unit, into=into, on=on)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Merged “%(unit)s” into “%(into)s”.") % {"unit": unit, "into": into})
            return redirect(reverse("hr-reports") + ORG_UNITS)
    return render(request, "frontend/hr/reports/org_unit.html", {"form": form, "action": "merge"},
                  status=400 if form.errors else 200)


@admin_required
@require_http_methods(["GET", "POST"])
def dissolve(request):
    form = DissolveForm(request.POST if request.method == "POST" else None, auto_id="dissolve-%s")
    if request.method == "POST" and form.is_valid():
        unit, on = form.cleaned_data["org_unit"], form.cleaned_data["on"]
        if "confirmed" not in request.POST:
            return confirm(request, "dissolve", form, unit, successor=unit.parent)
        try:
            services.dissolve_org_unit(actor=request.user, unit=unit, on=on)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Dissolved “%(unit)s”.") % {"unit": unit})
            return redirect(reverse("hr-reports") + ORG_UNITS)
    return render(request, "frontend/hr/reports/org_unit.html", {"form": form, "action": "dissolve"},
                  status=400 if form.errors else 200)


def confirm(request, action: str, form, unit: OrgUnit, *, successor: OrgUnit):
    """What will move, counted now: the people under the unit, its sub-units, its HR officers, its courses."""
    context = {
        "action": action, "form": form, "unit": unit, "successor": successor,
        "people": User.objects.filter(unit.subtree_q("org_unit__path")).count(),
        "placed": User.objects.filter(org_unit=unit).count(),
        "sub_units": OrgUnit.objects.active().filter(parent=unit).count(),
        "officers": unit.hr_officers.count(),
        "assignments": Assignment.objects.filter(org_unit=unit).count(),
    }
    return render(request, "frontend/hr/reports/org_unit_confirm.html", context)


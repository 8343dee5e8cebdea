"""HR officers' pages: the summary of their units, with a chart, and reports downloaded at once."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework import exceptions

from accounts.roles import Role
from frontend.access import forbidden
from reports import queries
from reports.downloads import download_response
from reports.filters import filters_for
from reports.services import describe

CHART_ROW = 34  # SVG units per bar: the unit's name above, its bar below
CHART_BAR = 240  # SVG units for 100 %: with the figures beside it, fits a phone at a legible size


@login_required
@require_GET
def summary(request):
    """Each unit of the officer's subtree with its figures rolled up, a chart of its sub-units, downloads."""
    person = request.user
    if not person.has_role(Role.HR, Role.ADMIN):
        return forbidden(request, _("Only HR officers read the summary of their units."), back_url=reverse("home"))
    raw = {key: request.GET[key] for key in ("org_unit", "year") if request.GET.get(key)}
    try:
        filters = filters_for(person, raw)
    except exceptions.PermissionDenied as refused:
        return forbidden(request, str(refused.detail), back_url=reverse("hr-summary"))
    except exceptions.ValidationError as invalid:
        return render(request, "frontend/hr/summary.html", {"error": describe(invalid)}, status=400)
    figures = queries.summary_figures(filters)
    top_depth = min((item.unit.depth for item in figures), default=0)
    for item in figures:
        item.level = item.unit.depth - top_depth
        item.indent = min(item.level, 5)
    tops = [item for item in figures if item.level == 0]
    # The chart compares the units one level down (or the top units when they have none).
    compared = [item for item in figures if item.level == 1] or tops
    return render(request, "frontend/hr/summary.html", {
        "filters": filters, "figures": figures, "tops": tops, "chart": _chart(compared),
        "download_query": raw,
    })


def _chart(items) -> dict:
    rows = []
    for number, item in enumerate(items):
        rate = item.completion_rate
        rows.append({
            "item": item, "y": number * CHART_ROW,
            "width": round(CHART_BAR * float(rate) / 100, 1) if rate is not None else 0,
        })
    return {"rows": rows, "height": max(len(rows), 1) * CHART_ROW, "bar": CHART_BAR}


@login_required
@require_GET
def download(request):
    """A report at once, from a GET form (UI.md): `kind`, `format` and the filters as query parameters."""
    if not request.user.has_role(Role.HR, Role.ADMIN):
        return forbidden(request, _("Only HR officers download reports."), back_url=reverse("home"))
    try:
        return download_response(request.user, request.GET.get("kind", ""), request.GET.get("format") or "csv",
                                 request.GET)
    except exceptions.PermissionDenied as refused:
        return forbidden(request, str(refused.detail), back_url=reverse("hr-summary"))
    except exceptions.ValidationError as invalid:
        return render(request, "frontend/hr/summary.html", {"error": describe(invalid)}, status=400)

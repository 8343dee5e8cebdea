"""The roster of a class or conference: people found by name, a whole unit, a file (all lines or none); removal."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from frontend.access import instructor_required
from frontend.teaching.events.forms import OrgUnitForm, PeopleForm, RosterFileForm
from frontend.teaching.events.views import render_event, taught_event
from training import roster_import, services
from training.models import RosterEntry


def back_to_roster(event):
    return redirect(reverse("teach-event", args=[event.pk]) + "#roster")


def tell_added(request, added: int, already: int) -> None:
    text = ngettext("Added %(added)s person to the roster.", "Added %(added)s people to the roster.", added)
    if already:
        text += " " + ngettext("%(already)s was on it already.", "%(already)s were on it already.", already)
    messages.success(request, text % {"added": added, "already": already})


@instructor_required
@require_POST
def add_people(request, pk: int):
    event = taught_event(request, pk)
    wanted = request.POST.getlist("users")
    people = User.objects.filter(pk__in=[int(pk) for pk in wanted if pk.isascii() and pk.isdigit() and len(pk) < 19],
                                 is_active=True)
    form = PeopleForm(request.POST, people=people)
    if not form.is_valid():
        return render_event(request, event, people_form=form)
    added, already = services.add_to_roster(actor=request.user, event=event, user_ids=form.cleaned_data["users"])
    tell_added(request, added, already)
    return back_to_roster(event)


@instructor_required
@require_POST
def add_unit(request, pk: int):
    event = taught_event(request, pk)
    form = OrgUnitForm(request.POST)
    if not form.is_valid():
        return render_event(request, event, unit_form=form)
    people = services.people_of_unit(form.cleaned_data["org_unit"]).values_list("pk", flat=True)
    added, already = services.add_to_roster(actor=request.user, event=event, user_ids=people,
                                            source=RosterEntry.Source.ORG_UNIT)
    tell_added(request, added, already)
    return back_to_roster(event)


@instructor_required
@require_POST
def import_file(request, pk: int):
    event = taught_event(request, pk)
    form = RosterFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_event(request, event, file_form=form)
    try:
        added, already = roster_import.import_roster(actor=request.user, event=event,
                                                     upload=form.cleaned_data["file"])
    except roster_import.RosterImportError as error:
        form.add_error("file", _("Nobody was added: correct these lines and send the file again."))
        return render_event(request, event, file_form=form, file_errors=error.errors)
    tell_added(request, added, already)
    return back_to_roster(event)


@instructor_required
@require_POST
def remove_person(request, pk: int, user_pk: int):
    event = taught_event(request, pk)
    removed = services.remove_from_roster(actor=request.user, event=event, user_ids=[user_pk])
    if removed:
        person = User.objects.filter(pk=user_pk).values_list("full_name", flat=True).first()
        messages.success(request, _("Removed %(name)s from the roster.") % {"name": person})
    return back_to_roster(event)

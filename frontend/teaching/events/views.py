"""A class or conference for its instructors: create it, edit it, its sessions; the page that shows it all.

The event page holds several forms (details, a new session, the roster's three
ways in, certificates); each posts to its own address and, when refused,
comes back as the whole page with that form's errors and status 400.
Every page reads a fixed number of rows' worth of queries, whatever the roster's size.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Job
from certificates import services as certificate_services
from frontend.access import add_errors, instructor_required
from frontend.teaching.events.forms import EventForm, OrgUnitForm, PeopleForm, RosterFileForm, SessionForm, event_initial
from training import services
from training.access import teaches
from training.models import Event, RosterEntry, Session

ROSTER_PER_PAGE = 50
SEARCH_RESULTS = 20
SESSION_IDS = "session-%s"


def taught_event(request, pk: int) -> Event:
    """The event, if the caller runs it; to anyone else it does not exist."""
    event = get_object_or_404(Event.objects.prefetch_related("instructors"), pk=pk)
    if not teaches(request.user, event):
        raise Http404
    return event


def taught_session(request, pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("event").prefetch_related("event__instructors"), pk=pk)
    if not teaches(request.user, session.event):
        raise Http404
    return session



# Creating and editing ----------------------------------------------------------


@instructor_required
@require_http_methods(["GET", "POST"])
def new_event(request):
    form = EventForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(actor=request.user, kind=form.cleaned_data["kind"], **form.service_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Created “%(title)s”. Now add its sessions and its roster.")
                             % {"title": event.title})
            return redirect("teach-event", pk=event.pk)
    status = 400 if form.is_bound else 200
    return render(request, "frontend/teaching/events/new.html", {"form": form}, status=status)


@instructor_required
@require_http_methods(["GET", "POST"])
def event_page(request, pk: int):
    """The event: GET shows it all; POST saves its details."""
    event = taught_event(request, pk)
    if request.method == "GET":
        return render_event(request, event)
    form = EventForm(request.POST, user=request.user, event=event)
    if form.is_valid():
        try:
            services.update_event(actor=request.user, event=event, **form.service_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved the details."))
            return redirect("teach-event", pk=event.pk)
    return render_event(request, event, event_form=form)


def render_event(request, event: Event, **forms):
    """The event page; `forms` replace the blank forms with bound ones whose errors are shown (status 400)."""
    failed = next((form for form in forms.values() if getattr(form, "errors", None)), None)
    context = {
        "event": event,
        "event_form": EventForm(user=request.user, event=event, initial=event_initial(event)),
        "session_form": SessionForm(auto_id=SESSION_IDS),
        "unit_form": OrgUnitForm(),
        "file_form": RosterFileForm(),
        "sessions": list(services.sessions_with_attendance(event)),
        "roster": Paginator(services.roster_with_attendance(event).order_by("user__full_name", "pk"),
                            ROSTER_PER_PAGE).get_page(request.GET.get("page")),
        "attended": RosterEntry.objects.filter(event=event, attended=True).count(),
        "failed_form": failed,
        **_search(request, event),
        **_certificate_job(request, event),
        **forms,
    }
    return render(request, "frontend/teaching/events/event.html", context, status=400 if failed else 200)


def _search(request, event: Event) -> dict:
    """People found by name, employee code or username, for the roster; each says whether they are on it already."""
    text = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if not text:
        return {"q": "", "people": []}
    people = services.people_to_add(event, text, limit=SEARCH_RESULTS)
    return {"q": text, "people": people, "people_form": PeopleForm(people=people)}


def _certificate_job(request, event: Event) -> dict:
    """The caller's latest bulk issue of this event's certificates, and its ZIP once ready."""
    job = (Job.objects.filter(owner=request.user, kind=certificate_services.BULK_JOB, parameters__event=event.pk)
           .order_by("-created_at", "-pk").first())
    ready = job is not None and job.status == Job.Status.DONE and job.file
    return {"job": job, "download_url": reverse("api-job-download", args=[job.pk]) if ready else ""}


# Sessions -------------------------------------------------------------------


@instructor_required
@require_POST
def add_session(request, pk: int):
    event = taught_event(request, pk)
    form = SessionForm(request.POST, auto_id=SESSION_IDS)
    if form.is_valid():
        try:
            session = services.add_session(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Added the session “%(title)s”.") % {"title": session.title})
            return redirect(reverse("teach-event", args=[event.pk]) + "#sessions")
    return render_event(request, event, session_form=form)


@instructor_required
@require_http_methods(["GET", "POST"])
def session_page(request, pk: int):
    """Edit a session."""
    session = taught_session(request, pk)
    initial = {"title": session.title, "starts_at": session.starts_at, "ends_at": session.ends_at}
    form = SessionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved the session."))
            return redirect(reverse("teach-event", args=[session.event_id]) + "#sessions")
    context = {"session": session, "event": session.event, "form": form}
    return render(request, "frontend/teaching/events/session.html", context, status=400 if form.errors else 200)


@instructor_required
@require_http_methods(["GET", "POST"])
def delete_session(request, pk: int):
    """GET asks to confirm, saying how much attendance goes with the session; POST deletes it."""
    session = taught_session(request, pk)
    if request.method == "POST":
        services.delete_session(actor=request.user, session=session)
        messages.success(request, _("Deleted the session “%(title)s”.") % {"title": session.title})
        return redirect(reverse("teach-event", args=[session.event_id]) + "#sessions")
    context = {"session": session, "event": session.event, "records": session.attendance.count()}
    return render(request, "frontend/teaching/events/session_delete.html", context)


# Certificates ---------------------------------------------------------------


@instructor_required
@require_POST
def issue_certificates(request, pk: int):
    event = taught_event(request, pk)
    job = certificate_services.start_bulk_issue(actor=request.user, event=event)
    messages.success(request, ngettext("Issuing the certificate of %(count)s person who attended.",
                                       "Issuing the certificates of %(count)s people who attended.", job.total)
                     % {"count": job.total})
    return redirect(reverse("teach-event", args=[event.pk]) + "#certificates")

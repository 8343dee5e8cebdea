"""REST API of classes and conferences: sessions, rosters, attendance, kiosk and QR check-in.

Who may do what:

- the instructors of a class or conference (and administrators) manage it;
- HR officers see every class and conference, read attendance and add people
  to rosters, but only for the people and units of their scope;
- people on a roster see that class or conference and its sessions, and check in.

Anything else is 404 when the caller may not see the object, 403 when they may
see it but their role may not act on it. A check-in (QR code or kiosk) outside
the session's check-in time is 409.
"""

import io

import segno
from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.parsers import FormParser, MultiPartParser
from accounts.permissions import IsInstructor
from accounts.scope import unit_in_scope, users_in_scope
from certificates import services as certificate_services
from training import checkin, roster_import, services
from training.access import is_hr, teaches, visible_events
from training.models import AttendanceRecord, Event, RosterEntry, Session
from training.serializers import (
    AttendanceRecordSerializer,
    AttendanceRequestSerializer,
    AttendanceResultSerializer,
    AttendanceSummarySerializer,
    CheckInCodeSerializer,
    CheckInSerializer,
    ClassSerializer,
    ConferenceSerializer,
    KioskSerializer,
    RosterAddResultSerializer,
    RosterAddSerializer,
    RosterEntrySerializer,
    RosterImportSerializer,
    SessionSerializer,
)

Status = AttendanceRecord.Status


def require_teacher(user, event: Event) -> None:
    if not teaches(user, event):
        raise exceptions.PermissionDenied(_("Only the instructors of this class or conference can do this."))


def require_teacher_or_hr(user, event: Event) -> None:
    if not (teaches(user, event) or is_hr(user)):
        raise exceptions.PermissionDenied(_("Only its instructors and HR officers can do this."))


def in_scope_of(user, event: Event, entries):
    """HR who do not teach the event see only the people of their scope."""
    return entries if teaches(user, event) else entries.filter(user__in=users_in_scope(user))


def with_counts(events):
    sessions = Session.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk"))
    roster = RosterEntry.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk"))
    return events.annotate(
        session_count=Coalesce(Subquery(sessions.values("n"), output_field=IntegerField()), 0),
        roster_count=Coalesce(Subquery(roster.values("n"), output_field=IntegerField()), 0),
    )


def with_attendance_counts(sessions):
    def count(status):
        return Count("attendance", filter=Q(attendance__status=status))

    return sessions.annotate(present=count(Status.PRESENT), late=count(Status.LATE), excused=count(Status.EXCUSED),
                             absent=count(Status.ABSENT))


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Shared by classes and conferences; a subclass names the kind."""

    kind: str = ""
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        events = visible_events(self.request.user).filter(kind=self.kind)
        return with_counts(events).prefetch_related("instructors", "courses").order_by("-starts_on", "-id")

    def get_permissions(self):
        return [IsInstructor()] if self.action == "create" else super().get_permissions()

    def perform_create(self, serializer):
        event = services.create_event(actor=self.request.user, kind=self.kind, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=event.pk)

    def get_object(self):
        event = super().get_object()
        if self.action == "partial_update":
            require_teacher(self.request.user, event)
        return event

    def perform_update(self, serializer):
        event = services.update_event(actor=self.request.user, event=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=event.pk)

    def _event(self, pk) -> Event:
        return get_object_or_404(visible_events(self.request.user).filter(kind=self.kind)
                                 .prefetch_related("instructors"), pk=pk)

    @extend_schema(methods=["get"], responses=SessionSerializer(many=True))
    @extend_schema(methods=["post"], request=SessionSerializer, responses={201: SessionSerializer})
    @action(detail=True, methods=["get", "post"])
    def sessions(self, request, pk=None):
        """The sessions with their attendance counts, or add a session (its instructors)."""
        event = self._event(pk)
        if request.method == "POST":
            require_teacher(request.user, event)
            data = SessionSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            session = services.add_session(actor=request.user, event=event, **data.validated_data)
            return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)
        sessions = with_attendance_counts(Session.objects.filter(event=event)).order_by("starts_at", "id")
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(methods=["get"], responses=RosterEntrySerializer(many=True))
    @extend_schema(methods=["post"], request=RosterAddSerializer, responses=RosterAddResultSerializer)
    @action(detail=True, methods=["get", "post"])
    def roster(self, request, pk=None):
        """The roster, or add people by id or with a whole org unit (instructors; HR within their scope)."""
        event = self._event(pk)
        require_teacher_or_hr(request.user, event)
        if request.method == "POST":
            data = RosterAddSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            added, already = self._add_to_roster(event, **data.validated_data)
            return Response({"added": added, "already": already})
        entries = in_scope_of(request.user, event, RosterEntry.objects.filter(event=event))
        page = self.paginate_queryset(entries.select_related("user__org_unit").order_by("user__full_name", "pk"))
        return self.get_paginated_response(RosterEntrySerializer(page, many=True).data)

    def _add_to_roster(self, event, users=None, org_unit=None):
        actor = self.request.user
        if org_unit is not None:
            if not teaches(actor, event) and not unit_in_scope(actor, org_unit):
                raise exceptions.PermissionDenied(_("This unit is outside your HR scope."))
            return services.add_to_roster(actor=actor, event=event, source=RosterEntry.Source.ORG_UNIT,
                                          user_ids=services.people_of_unit(org_unit).values_list("pk", flat=True))
        if services.people_outside_scope(actor, event, users):
            raise exceptions.PermissionDenied(_("Some of these people are outside your HR scope."))
        return services.add_to_roster(actor=actor, event=event, user_ids=users)

    @extend_schema(
        request={"multipart/form-data": RosterImportSerializer},
        responses={
            200: RosterAddResultSerializer,
            # Any field may be named: the request's own checks (control characters) come first.
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=_("Line-numbered errors of the file (`errors`), or what is wrong with the upload "
                              "itself, by field."),
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="roster/import", parser_classes=[MultiPartParser, FormParser])
    def import_roster(self, request, pk=None):
        """Add everyone in a CSV or XLSX file, or no one: 400 with line-numbered errors."""
        event = self._event(pk)
        require_teacher_or_hr(request.user, event)
        upload = RosterImportSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            added, already = roster_import.import_roster(
                actor=request.user, event=event, upload=upload.validated_data["file"]
            )
        except roster_import.RosterImportError as error:
            return Response({"errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"added": added, "already": already})

    @extend_schema(request=None,
                   responses={202: inline_serializer("BulkIssueStarted", {"job": serializers.IntegerField()})})
    @action(detail=True, methods=["post"])
    def certificates(self, request, pk=None):
        """Issue the attendance certificates of everyone who attended (its instructors): a job that ends in a ZIP."""
        event = self._event(pk)
        require_teacher(request.user, event)
        job = certificate_services.start_bulk_issue(actor=request.user, event=event)
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=AttendanceSummarySerializer(many=True))
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        """Per person on the roster: sessions present, late, excused, absent, and whether the rule is met."""
        event = self._event(pk)
        require_teacher_or_hr(request.user, event)
        entries = in_scope_of(request.user, event, services.roster_with_attendance(event))
        page = self.paginate_queryset(entries.order_by("user__full_name", "pk"))
        context = {"session_count": Session.objects.filter(event=event).count()}
        return self.get_paginated_response(AttendanceSummarySerializer(page, many=True, context=context).data)


class ClassViewSet(EventViewSet):
    kind = Event.Kind.CLASS
    serializer_class = ClassSerializer


class ConferenceViewSet(EventViewSet):
    kind = Event.Kind.CONFERENCE
    serializer_class = ConferenceSerializer


class SessionViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = SessionSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        sessions = Session.objects.filter(event__in=visible_events(self.request.user))
        return with_attendance_counts(sessions.select_related("event").prefetch_related("event__instructors"))

    def get_object(self):
        session = super().get_object()
        if self.action != "retrieve":
            require_teacher(self.request.user, session.event)
        return session

    def perform_update(self, serializer):
        session = services.update_session(actor=self.request.user, session=serializer.instance,
                                          **serializer.validated_data)
        # The service reads the row again; the answer carries the attendance counts as a read does.
        serializer.instance = self.get_queryset().get(pk=session.pk)

    def perform_destroy(self, instance):
        services.delete_session(actor=self.request.user, session=instance)

    @extend_schema(methods=["get"], responses=AttendanceRecordSerializer(many=True))
    @extend_schema(methods=["post"], request=AttendanceRequestSerializer, responses=AttendanceResultSerializer)
    @action(detail=True, methods=["get", "post"])
    def attendance(self, request, pk=None):
        """The session's records, or record `{user, status}` or a whole roster as `{"records": [...]}`."""
        session = self.get_object()
        data = AttendanceRequestSerializer(data=request.data) if request.method == "POST" else None
        if data is not None:
            data.is_valid(raise_exception=True)
            recorded, changed = services.record_attendance(
                actor=request.user, session=session, records=data.validated_data["records"]
            )
            return Response({"recorded": recorded, "changed": changed})
        records = AttendanceRecord.objects.filter(session=session).select_related("user__org_unit")
        page = self.paginate_queryset(records.order_by("user__full_name", "pk"))
        return self.get_paginated_response(AttendanceRecordSerializer(page, many=True).data)

    @extend_schema(responses=CheckInCodeSerializer)
    @action(detail=True, methods=["get"], url_path="check-in-code")
    def check_in_code(self, request, pk=None):
        """The code the session screen shows now; fetch it again at `rotates_at`.

        Given at any time, so that the screen can be set up ahead: a check-in
        with it is refused (409) outside the session's check-in time.
        """
        code = self._current_code(self.get_object())
        return Response({"code": code.code, "short_code": code.short_code, "url": services.check_in_url(code.code),
                         "rotates_at": code.rotates_at, "expires_at": code.expires_at})

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"], url_path="check-in-qr")
    def check_in_qr(self, request, pk=None):
        """The current code as an SVG QR code of the check-in address, for the session screen."""
        code = self._current_code(self.get_object())
        buffer = io.BytesIO()
        segno.make(services.check_in_url(code.code), error="m").save(buffer, kind="svg", scale=8, border=2,
                                                             title=_("Check-in code"))
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
        response["Cache-Control"] = "no-store"
        return response

    def _current_code(self, session: Session) -> checkin.CheckInCode:
        return checkin.current_code(session.pk, at=checkin.now(), secret=settings.SECRET_KEY,
                                    rotate_seconds=settings.CHECKIN_ROTATE_SECONDS)

    @extend_schema(request=KioskSerializer, responses={200: AttendanceRecordSerializer,
                                                       201: AttendanceRecordSerializer, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def kiosk(self, request, pk=None):
        """A kiosk marks the person with this employee code present (or late) while check-in is open."""
        session = self.get_object()
        data = KioskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record, created = services.kiosk_check_in(actor=request.user, session=session, **data.validated_data)
        except services.CheckInClosed as error:
            return closed_response(error)
        return record_response(record, created)



def record_response(record: AttendanceRecord, created: bool) -> Response:
    record = AttendanceRecord.objects.select_related("user__org_unit").get(pk=record.pk)
    return Response(AttendanceRecordSerializer(record).data,
                    status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def closed_response(error: services.CheckInClosed) -> Response:
    """A state conflict, not bad input: the same code or person is fine while check-in is open."""
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


class CheckInView(APIView):
    @extend_schema(request=CheckInSerializer,
                   responses={200: AttendanceRecordSerializer, 201: AttendanceRecordSerializer,
                              409: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT})
    def post(self, request):
        """Check in with the code on the session screen: 201 the first time, 200 with the same record after.

        The record already there is returned unchanged, also when an instructor
        made it (`method` is `manual`); 409 outside the session's check-in time.
        Wrong short codes are limited per person: past the limit, short codes
        are refused with 429 and `Retry-After` for a few minutes (full codes are not).
        """
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record, created = services.check_in(user=request.user, code=data.validated_data["code"])
        except checkin.ExpiredCode:
            raise exceptions.ValidationError(
                {"code": [_("This code has expired. Scan the code on the screen again.")]}
            ) from None
        except (checkin.InvalidCode, Session.DoesNotExist):
            raise exceptions.ValidationError(
                {"code": [_("This is not a valid check-in code. Scan the code on the screen again.")]}
            ) from None
        except services.NotOnRoster:
            raise exceptions.PermissionDenied(
                _("You are not on the roster of this class or conference. Ask its instructors to add you.")
            ) from None
        except services.CheckInClosed as error:
            return closed_response(error)
        except services.TooManyTypedCodes as error:
            refusal = exceptions.Throttled(detail=str(error))
            refusal.wait = error.wait  # DRF's handler sends it as Retry-After
            raise refusal from None
        return record_response(record, created)

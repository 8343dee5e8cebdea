from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit
from accounts.permissions import IsAdmin, IsHROrAdmin
from config.api import FormatIsTheFile
from reports import hours, services
from reports.downloads import download_response
from reports.models import Format, HoursRequirement, ReportSchedule
from reports.serializers import (
    HoursRequirementSerializer,
    MyHoursSerializer,
    ReportRequestSerializer,
    ReportScheduleSerializer,
)

FILTER_PARAMETERS = [
    OpenApiParameter("course", int), OpenApiParameter("event", int, description="A class's or conference's id."),
    OpenApiParameter("org_unit", int), OpenApiParameter("status", str, enum=["not_started", "in_progress",
                                                                            "overdue", "completed"]),
    OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE),
    OpenApiParameter("year", int), OpenApiParameter("format", str, enum=["csv", "xlsx", "pdf"]),
]


class ReportView(APIView):
    """A report downloaded at once: CSV streams row by row, XLSX is written then sent, the summary also as PDF."""

    permission_classes = [IsAuthenticated, IsHROrAdmin]
    content_negotiation_class = FormatIsTheFile

    @extend_schema(parameters=FILTER_PARAMETERS, responses={
        (200, "text/csv"): OpenApiTypes.BINARY,
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        (200, "application/pdf"): OpenApiTypes.BINARY,
    })
    def get(self, request, kind):
        return download_response(request.user, kind, request.query_params.get("format") or Format.CSV,
                                 request.query_params)


class ReportJobView(APIView):
    permission_classes = [IsAuthenticated, IsHROrAdmin]

    @extend_schema(request=ReportRequestSerializer,
                   responses={202: inline_serializer("ReportStarted", {"job": serializers.IntegerField()})})
    def post(self, request):
        """A report made by a worker: follow it at `/api/v1/jobs/{job}/`; only its requester downloads it."""
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            job = services.request_report(actor=request.user, kind=data["kind"], format=data["format"],
                                          raw_filters=data.get("filters") or {})
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class HoursRequirementsView(APIView):
    """The yearly training-hours requirement: what each year (and, optionally, position) asks."""

    def get_permissions(self):
        return [IsAuthenticated(), (IsHROrAdmin if self.request.method == "GET" else IsAdmin)()]

    @extend_schema(responses=HoursRequirementSerializer(many=True))
    def get(self, request):
        rows = HoursRequirement.objects.all()
        return Response(HoursRequirementSerializer(rows, many=True).data)

    @extend_schema(request=HoursRequirementSerializer(many=True), responses=HoursRequirementSerializer(many=True))
    def put(self, request):
        """Replace the whole table; an empty list leaves the default (REPORTS_DEFAULT_REQUIRED_HOURS)."""
        serializer = HoursRequirementSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        rows = services.replace_requirements(actor=request.user, rows=serializer.validated_data)
        return Response(HoursRequirementSerializer(rows, many=True).data)


class ReportScheduleViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                            mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Reports e-mailed to their owner every week or month; each person sees and changes only their own."""

    serializer_class = ReportScheduleSerializer
    permission_classes = [IsAuthenticated, IsHROrAdmin]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportSchedule.objects.none()
        return ReportSchedule.objects.filter(owner=self.request.user).order_by("pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_schedule(
            actor=self.request.user, kind=data["kind"], format=data.get("format", Format.XLSX),
            raw_filters=data.get("filters") or {}, every=data["every"],
        )

    def perform_update(self, serializer):
        schedule = serializer.save()
        audit.record(actor=self.request.user, action="report.schedule_changed", target=schedule,
                     changes={"active": schedule.active})

    def perform_destroy(self, instance):
        audit.record(actor=self.request.user, action="report.schedule_deleted", target=instance,
                     changes={"kind": instance.kind, "every": instance.every})
        instance.delete()


class MyTrainingHoursView(APIView):
    @extend_schema(responses=MyHoursSerializer(many=True))
    def get(self, request):
        """My training hours per year, newest first, with the courses completed and the year's requirement."""
        return Response(MyHoursSerializer(hours.person_hours(request.user), many=True).data)

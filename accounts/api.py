"""REST API of people and org units: auth, /me, org units, users, staff import, audit log."""

import json

import django_filters
from django.contrib.auth import authenticate
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, filters, generics, mixins, status, viewsets
from accounts.authentication import TokenAuthentication, issue_token
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit, notifications, personal_data, services, staff_import
from accounts.audit import client_ip
from accounts.models import AuditEntry, Job, Notification, OrgUnit, User
from accounts.parsers import FormParser, MultiPartParser
from accounts.permissions import IsAdmin, IsHROrAdmin, IsStaff
from accounts.roles import Role
from accounts.scope import may_change_person, unit_in_scope, users_in_scope
from accounts.serializers import (
    AuditEntrySerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    JobSerializer,
    MeSerializer,
    NotificationSerializer,
    OrgUnitDissolveSerializer,
    OrgUnitMergeSerializer,
    OrgUnitSerializer,
    ReadAllResultSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from accounts.signin import SignInThrottled, retry_after


class TokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        username = credentials.validated_data["username"]
        wait = retry_after(username, client_ip(request))
        if wait is not None:
            refusal = exceptions.Throttled(detail=str(SignInThrottled(wait).args[0]))
            refusal.wait = wait  # DRF's handler sends it as Retry-After
            raise refusal
        user = authenticate(request, username=username, password=credentials.validated_data["password"])
        if user is None:
            raise exceptions.ValidationError({"detail": [_("Wrong username or password.")]})
        return Response({"token": issue_token(user=user).key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the caller's token (sign out everywhere the token is used)."""
        user = TokenAuthentication().authenticate(request)
        if user is None:
            raise exceptions.NotAuthenticated()
        Token.objects.filter(user=user[0]).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = User.objects.select_related("org_unit").prefetch_related("groups", "hr_scope").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


class PersonalDataView(APIView):
    """Everything the platform holds about the caller, as one JSON file (Decree 13/2023)."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request):
        data = personal_data.export(request.user)
        audit.record(actor=request.user, action="personal_data.downloaded", target=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json"
        )
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{request.user.pk}-{stamp}.json"'
        return response


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread only"))

    class Meta:
        model = Notification
        fields = ["unread"]


class MyNotificationsView(generics.ListAPIView):
    """What the caller must act on, newest first; `?unread=true` for the unread ones only."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user)


class ReadNotificationView(APIView):
    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk):
        """Mark one of my notifications as read; another person's is not found."""
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        return Response(NotificationSerializer(notifications.mark_read(notification)).data)


class ReadAllNotificationsView(APIView):
    @extend_schema(request=None, responses=ReadAllResultSerializer)
    def post(self, request):
        """Mark all my notifications as read."""
        return Response({"read": notifications.mark_all_read(user=request.user)})


class OrgUnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    queryset = OrgUnit.objects.order_by("path")
    serializer_class = OrgUnitSerializer
    filter_backends = [filters.SearchFilter]
    search_fields = ["name", "code"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        return [IsAdmin()] if self.action in ("create", "partial_update", "merge", "dissolve") else [IsStaff()]

    def perform_create(self, serializer):
        serializer.instance = services.create_org_unit(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=OrgUnitMergeSerializer, responses=OrgUnitSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge this unit into `into` on the date `on`: its people, sub-units, HR officers and assignments move."""
        unit = self.get_object()
        change = OrgUnitMergeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        unit = services.merge_org_unit(actor=request.user, unit=unit, **change.validated_data)
        return Response(OrgUnitSerializer(unit).data)

    @extend_schema(request=OrgUnitDissolveSerializer, responses=OrgUnitSerializer)
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        """Dissolve this unit on the date `on`: its people and sub-units move up to its parent."""
        unit = self.get_object()
        change = OrgUnitDissolveSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        unit = services.dissolve_org_unit(actor=request.user, unit=unit, **change.validated_data)
        return Response(OrgUnitSerializer(unit).data)

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        if "parent" not in changes:
            changes["parent"] = services.UNCHANGED
        serializer.instance = services.update_org_unit(actor=self.request.user, unit=serializer.instance, **changes)


class UserFilter(django_filters.FilterSet):
    org_unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.all(), method="in_unit", label=_("Organisation unit, with the units under it")
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, field_name="groups__name", label=_("Role"))

    class Meta:
        model = User
        fields = ["org_unit", "role", "is_active"]

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit.subtree_q("org_unit__path"))


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = UserSerializer
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter]
    filterset_class = UserFilter
    search_fields = ["username", "full_name", "employee_code", "email"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return (
            users_in_scope(self.request.user)
            .select_related("org_unit")
            .prefetch_related("groups", "hr_scope")
            .order_by("full_name", "id")
        )

    def get_permissions(self):
        return [IsAdmin()] if self.action == "create" else [IsHROrAdmin()]

    def perform_create(self, serializer):
        serializer.instance = services.create_user(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        self._check_may_change(serializer.instance, fields)
        serializer.instance = services.update_user(actor=self.request.user, user=serializer.instance, **fields)

    def _check_may_change(self, person: User, fields: dict) -> None:
        actor = self.request.user
        if actor.has_role(Role.ADMIN):
            return
        if {"roles", "hr_scope", "password", "username"} & fields.keys():
            raise exceptions.PermissionDenied(_("Only an administrator can change roles, HR scope or passwords."))
        if not may_change_person(actor, person):
            raise exceptions.PermissionDenied(
                _("Only an administrator can change an instructor, HR officer or administrator.")
            )
        if "org_unit" in fields and not unit_in_scope(actor, fields["org_unit"]):
            raise exceptions.ValidationError({"org_unit": [_("This unit is outside your HR scope.")]})

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="`{\"errors\": [{line, field, message}]}` for the file's rows, or `{\"file\": [...]}`.",
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_staff(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            result = staff_import.import_staff(actor=request.user, upload=upload.validated_data["file"])
        except staff_import.StaffImportError as error:
            return Response({"errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated})


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    permission_classes = [IsAuthenticated, IsAdmin]
    filterset_fields = ["action", "actor", "target_type", "target_id"]


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A background job and its progress; each belongs to the person who asked for it."""

    serializer_class = JobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return Job.objects.filter(owner=self.request.user)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != Job.Status.DONE or not job.file:
            raise exceptions.NotFound(_("The file is not ready yet."))
        audit.record(actor=request.user, action="job.downloaded", target=job)
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])

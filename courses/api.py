"""REST API of courses: authoring, catalogue, enrolment, mandatory assignment, progress."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.parsers import FormParser, JSONParser, MultiPartParser
from accounts.permissions import IsHROrAdmin, IsInstructor
from accounts.scope import unit_in_scope
from courses import services
from courses.access import reads_lessons, teaches, visible_assignments, visible_courses, with_lesson_count
from courses.files import lesson_file_response
from courses.models import Assignment, Course, Enrollment, Lesson, LessonProgress, Module
from courses.serializers import (
    AssignmentSerializer,
    CopyCourseSerializer,
    CourseDetailSerializer,
    CourseSerializer,
    CourseUpdateSerializer,
    EnrollmentSerializer,
    EnrollPeopleResultSerializer,
    EnrollPeopleSerializer,
    LessonSerializer,
    ModuleSerializer,
    MyEnrollmentSerializer,
    ReorderSerializer,
)


def require_teacher(user, course: Course) -> None:
    if not teaches(user, course):
        raise exceptions.PermissionDenied(_("Only the course's instructors can change it."))


class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    filterset_fields = ["topic", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        courses = with_lesson_count(visible_courses(self.request.user)).prefetch_related("instructors")
        if self.action == "retrieve":
            lessons = Prefetch("lessons", queryset=Lesson.objects.order_by("position", "id"))
            courses = courses.prefetch_related(Prefetch("modules", queryset=Module.objects.prefetch_related(lessons)))
        return courses.order_by("title", "id")

    def get_serializer_class(self):
        return {"retrieve": CourseDetailSerializer, "partial_update": CourseUpdateSerializer}.get(
            self.action, CourseSerializer
        )

    def get_permissions(self):
        return [IsInstructor()] if self.action == "create" else super().get_permissions()

    def retrieve(self, request, *args, **kwargs):
        course = self.get_object()
        enrollment = (
            services.with_progress(Enrollment.objects.filter(user=request.user, course=course))
            .prefetch_related(Prefetch("lesson_progress", queryset=LessonProgress.objects.only("lesson_id", "enrollment_id")))
            .first()
        )
        return Response(CourseDetailSerializer(course, context={"enrollment": enrollment}).data)

    def perform_create(self, serializer):
        serializer.instance = services.create_course(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        require_teacher(self.request.user, serializer.instance)
        serializer.instance = services.update_course(
            actor=self.request.user, course=serializer.instance, **serializer.validated_data
        )

    def _course_taught(self, pk) -> Course:
        course = get_object_or_404(visible_courses(self.request.user).prefetch_related("instructors"), pk=pk)
        require_teacher(self.request.user, course)
        return course

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        course = services.publish_course(actor=request.user, course=self._course_taught(pk))
        return Response(CourseSerializer(with_lesson_count(Course.objects).get(pk=course.pk)).data)

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        course = services.archive_course(actor=request.user, course=self._course_taught(pk))
        return Response(CourseSerializer(with_lesson_count(Course.objects).get(pk=course.pk)).data)

    @extend_schema(request=CopyCourseSerializer, responses={201: CourseSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        course = self._course_taught(pk)
        data = CopyCourseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = services.copy_course(actor=request.user, course=course, **data.validated_data)
        return Response(CourseSerializer(with_lesson_count(Course.objects).get(pk=copy.pk)).data, status=201)

    @extend_schema(request=None, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def enroll(self, request, pk=None):
        course = get_object_or_404(visible_courses(request.user), pk=pk)
        enrollment = services.enroll(user=request.user, course=course)
        enrollment = services.with_progress(Enrollment.objects.filter(pk=enrollment.pk)).get()
        return Response(EnrollmentSerializer(enrollment).data)

    @extend_schema(methods=["get"], responses=EnrollmentSerializer(many=True))
    @extend_schema(methods=["post"], request=EnrollPeopleSerializer, responses=EnrollPeopleResultSerializer)
    @action(detail=True, methods=["get", "post"])
    def enrollments(self, request, pk=None):
        """The course's enrolments (its instructors), or enrol people by hand (POST)."""
        course = self._course_taught(pk)
        if request.method == "POST":
            people = EnrollPeopleSerializer(data=request.data)
            people.is_valid(raise_exception=True)
            enrolled = services.enroll_people(actor=request.user, course=course, users=people.validated_data["users"])
            return Response({"enrolled": enrolled})
        enrollments = services.with_progress(Enrollment.objects.filter(course=course)).order_by("id")
        page = self.paginate_queryset(enrollments)
        context = {"today": timezone.localdate()}
        return self.get_paginated_response(EnrollmentSerializer(page, many=True, context=context).data)

    @extend_schema(request=ModuleSerializer, responses={201: ModuleSerializer})
    @action(detail=True, methods=["post"])
    def modules(self, request, pk=None):
        course = self._course_taught(pk)
        data = ModuleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        module = services.add_module(course=course, title=data.validated_data["title"])
        return Response(ModuleSerializer(module).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReorderSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="modules/reorder")
    def reorder_modules(self, request, pk=None):
        course = self._course_taught(pk)
        data = ReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reorder_modules(course=course, module_ids=data.validated_data["order"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModuleViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = ModuleSerializer
    http_method_names = ["post", "patch", "delete", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Module.objects.none()
        return Module.objects.filter(course__in=visible_courses(self.request.user)).select_related("course")

    def get_object(self):
        module = super().get_object()
        require_teacher(self.request.user, module.course)
        return module

    @extend_schema(request={"application/json": LessonSerializer, "multipart/form-data": LessonSerializer},
                   responses={201: LessonSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def lessons(self, request, pk=None):
        module = self.get_object()
        data = LessonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = services.add_lesson(module=module, **data.validated_data)
        return Response(LessonSerializer(lesson, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReorderSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="lessons/reorder")
    def reorder_lessons(self, request, pk=None):
        module = self.get_object()
        data = ReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reorder_lessons(module=module, lesson_ids=data.validated_data["order"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LessonViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = LessonSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Lesson.objects.none()
        return (
            Lesson.objects.filter(module__course__in=visible_courses(self.request.user))
            .select_related("module__course").prefetch_related("module__course__instructors")
        )

    def get_object(self):
        lesson = super().get_object()
        course = lesson.module.course
        if self.action in ("retrieve", "file"):
            if not reads_lessons(self.request.user, course):
                raise exceptions.PermissionDenied(_("Enrol in the course to read its lessons."))
        elif self.action != "complete":
            require_teacher(self.request.user, course)
        return lesson

    def perform_update(self, serializer):
        serializer.instance = services.update_lesson(lesson=serializer.instance, **serializer.validated_data)

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The lesson's file as a download, for its instructors and enrolled learners; 404 when it has none."""
        return lesson_file_response(self.get_object())

    @extend_schema(request=None, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        enrollment = services.complete_lesson(user=request.user, lesson=self.get_object())
        enrollment = services.with_progress(Enrollment.objects.filter(pk=enrollment.pk)).get()
        return Response(EnrollmentSerializer(enrollment).data)


class AssignmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Mandatory courses for org units; HR see and make them only inside their scope."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsHROrAdmin]
    filterset_fields = ["course", "org_unit"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return visible_assignments(self.request.user).order_by("-created_at")

    @extend_schema(request=AssignmentSerializer, responses={201: EnrollPeopleResultSerializer})
    def create(self, request, *args, **kwargs):
        data = AssignmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = data.validated_data["org_unit"]
        if not unit_in_scope(request.user, unit):
            raise exceptions.PermissionDenied(_("This unit is outside your HR scope."))
        enrolled = services.assign_course(actor=request.user, **data.validated_data)
        return Response({"enrolled": enrolled}, status=status.HTTP_201_CREATED)


class MyEnrollmentsView(APIView):
    @extend_schema(responses=MyEnrollmentSerializer(many=True))
    def get(self, request):
        enrollments = (
            services.with_progress(Enrollment.objects.filter(user=request.user))
            .select_related("course").order_by("status", "due_date", "-enrolled_at")
        )
        context = {"today": timezone.localdate()}
        return Response(MyEnrollmentSerializer(enrollments, many=True, context=context).data)

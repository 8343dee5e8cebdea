from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import OrgUnit, User
from courses.models import Assignment, Course, Enrollment, Lesson, Module


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]


class LessonOutlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "title", "kind", "estimated_minutes", "position"]


class ModuleOutlineSerializer(serializers.ModelSerializer):
    lessons = LessonOutlineSerializer(many=True, read_only=True)

    class Meta:
        model = Module
        fields = ["id", "title", "position", "lessons"]


class CourseSerializer(serializers.ModelSerializer):
    instructors = PersonSerializer(many=True, read_only=True)
    lesson_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Course
        fields = [
            "id", "code", "title", "topic", "summary", "hours", "status", "completion_rule",
            "instructors", "lesson_count", "published_at", "created_at", "updated_at", "certificate_template",
            "certificate_validity_months",
        ]
        read_only_fields = ["status", "published_at", "created_at", "updated_at"]
        extra_kwargs = {"topic": {"required": True}}

    def validate_hours(self, value):
        if value < 0:
            raise serializers.ValidationError(_("Hours cannot be negative."))
        return value


class CourseUpdateSerializer(CourseSerializer):
    instructor_ids = serializers.PrimaryKeyRelatedField(
        source="instructors", queryset=User.objects.filter(is_active=True), many=True, required=False, write_only=True
    )

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "instructor_ids"]


class MyEnrollmentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress_percent = serializers.IntegerField()
    completed_lessons = serializers.ListField(child=serializers.IntegerField())


class CourseDetailSerializer(CourseSerializer):
    modules = ModuleOutlineSerializer(many=True, read_only=True)
    enrollment = serializers.SerializerMethodField()

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "modules", "enrollment"]

    @extend_schema_field(MyEnrollmentSummarySerializer(allow_null=True))
    def get_enrollment(self, course):
        """The caller's own enrolment in this course, with the lessons they finished."""
        enrollment = self.context.get("enrollment")
        if enrollment is None:
            return None
        return {
            "id": enrollment.pk,
            "status": enrollment.status,
            "progress_percent": enrollment.progress_percent,
            "completed_lessons": sorted(progress.lesson_id for progress in enrollment.lesson_progress.all()),
        }


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ["id", "course", "title", "position"]
        read_only_fields = ["course", "position"]


class LessonFileField(serializers.FileField):
    """Uploaded as usual; read back as the address that checks who downloads it (MEDIA_URL serves nothing)."""

    def to_representation(self, value):
        if not value:
            return None
        url = reverse("lesson-file", args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class LessonSerializer(serializers.ModelSerializer):
    file = LessonFileField(required=False, allow_null=True)

    class Meta:
        model = Lesson
        fields = ["id", "module", "title", "kind", "body", "url", "file", "estimated_minutes", "position",
                  "created_at", "updated_at"]
        read_only_fields = ["module", "position", "created_at", "updated_at"]


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), allow_empty=False,
                                  help_text=_("Every id of the list, in the new order."))


class CopyCourseSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=255, required=False)

    def validate_code(self, value):
        if Course.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("A course with this code already exists."))
        return value


class EnrollmentSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = ["id", "course", "user", "status", "progress_percent", "due_date", "mandatory", "source",
                  "overdue", "enrolled_at", "completed_at"]
        read_only_fields = fields

    def get_overdue(self, enrollment) -> bool:
        return enrollment.is_overdue(self.context.get("today"))


class MyEnrollmentSerializer(EnrollmentSerializer):
    course_code = serializers.CharField(source="course.code", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)

    class Meta(EnrollmentSerializer.Meta):
        fields = [*EnrollmentSerializer.Meta.fields, "course_code", "course_title"]
        read_only_fields = fields


class EnrollPeopleSerializer(serializers.Serializer):
    users = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                               allow_empty=False)


class EnrollPeopleResultSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()


class AssignmentSerializer(serializers.ModelSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = Assignment
        fields = ["id", "course", "org_unit", "due_date", "assigned_by", "created_at", "updated_at"]
        read_only_fields = ["assigned_by", "created_at", "updated_at"]
        # Assigning a course to the same unit again updates the due date.
        validators = []

    def validate_due_date(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError(_("The due date is in the past."))
        return value

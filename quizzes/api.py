"""REST API of question banks, quizzes and attempts.

Learner endpoints (start, autosave, submit, result) are the exam-day hot path:
they check ownership with the query that loads the attempt and never look up
roles, so each runs a few queries whatever the number of questions.
"""

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import uploads
from accounts.parsers import FormParser, MultiPartParser
from accounts.permissions import IsInstructor
from courses.access import taught_courses, teaches
from courses.models import Course
from quizzes import services, snapshot
from quizzes.access import visible_quizzes
from quizzes.formats import FormatError
from quizzes.models import Attempt, Question, QuestionBank, Quiz
from quizzes.models import Response as QuizResponse
from quizzes.renderers import AikenRenderer, GiftRenderer, XlsxRenderer
from quizzes.serializers import (
    AnswersSerializer,
    AttemptSerializer,
    GradeSerializer,
    ImportedSerializer,
    ImportQuestionsSerializer,
    JobAcceptedSerializer,
    QuestionBankSerializer,
    QuestionSerializer,
    QuizSerializer,
    StartedAttemptSerializer,
    StatisticsSerializer,
    SubmittedSerializer,
)
from quizzes.services import quizzes as quiz_services


def quiz_error_response(error: services.QuizError) -> Response:
    body = error.message if isinstance(error.message, dict) else {"detail": error.message}
    return Response(body, status=error.status)


class QuestionBankViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          viewsets.GenericViewSet):
    """Question banks of the courses the caller teaches."""

    serializer_class = QuestionBankSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return QuestionBank.objects.none()
        count = Question.objects.filter(bank=OuterRef("pk")).order_by().values("bank").annotate(n=Count("pk"))
        return (
            QuestionBank.objects.filter(course__in=taught_courses(self.request.user))
            .annotate(question_count=Coalesce(Subquery(count.values("n")), 0)).order_by("name", "id")
        )

    def perform_create(self, serializer):
        course = serializer.validated_data["course"]
        if not teaches(self.request.user, course):
            raise exceptions.PermissionDenied(_("Only the course's instructors can add a bank to it."))
        serializer.instance = services.create_bank(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request={"multipart/form-data": ImportQuestionsSerializer},
                   responses={201: ImportedSerializer, 400: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_questions(self, request, pk=None):
        bank = self.get_object()
        upload = ImportQuestionsSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            data = uploads.read_upload(file, max_bytes=settings.QUESTION_IMPORT_MAX_BYTES)
            created = services.import_questions(
                actor=request.user, bank=bank, data=data, file_format=upload.validated_data["format"],
                filename=file.name,
            )
        except (FormatError, uploads.UploadError) as error:
            return Response({"errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": created}, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=QuestionSerializer(many=True))
    @extend_schema(methods=["post"], request=QuestionSerializer, responses={201: QuestionSerializer})
    @action(detail=True, methods=["get", "post"])
    def questions(self, request, pk=None):
        bank = self.get_object()
        if request.method == "POST":
            data = QuestionSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            parsed = data.to_parsed()
            services.check_parsed(parsed)
            question = services.add_questions(bank=bank, parsed=[parsed])[0]
            return Response(QuestionSerializer(_question(question.pk)).data, status=status.HTTP_201_CREATED)
        questions = bank.questions.select_related("category").prefetch_related("choices").order_by("id")
        page = self.paginate_queryset(questions)
        return self.get_paginated_response(QuestionSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["gift", "aiken", "xlsx"], default="gift")],
        responses={(200, "text/plain"): OpenApiTypes.STR, (200, XlsxRenderer.media_type): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], renderer_classes=[GiftRenderer, AikenRenderer, XlsxRenderer, JSONRenderer])
    def export(self, request, pk=None):
        """The bank as a file that imports back to the same questions."""
        bank = self.get_object()
        file_format = request.query_params.get("format", "gift")
        if file_format not in services.EXPORT_FORMATS:
            raise exceptions.ValidationError({"format": [_("Choose gift, aiken or xlsx.")]})
        exported = services.export_questions(bank=bank, file_format=file_format)
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response


class QuestionTemplateView(APIView):
    """The XLSX template instructors fill in to import questions."""

    permission_classes = [IsInstructor]
    renderer_classes = [XlsxRenderer, JSONRenderer]

    @extend_schema(responses={(200, XlsxRenderer.media_type): OpenApiTypes.BINARY})
    def get(self, request):
        from quizzes.formats import xlsx

        response = HttpResponse(xlsx.template(), content_type=XlsxRenderer.media_type)
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-cau-hoi.xlsx"'
        return response


def _question(pk: int) -> Question:
    return Question.objects.select_related("category").prefetch_related("choices").get(pk=pk)


class QuestionViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = QuestionSerializer
    permission_classes = [IsInstructor]
    http_method_names = ["get", "put", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        return (
            Question.objects.filter(bank__course__in=taught_courses(self.request.user))
            .select_related("category", "bank").prefetch_related("choices")
        )

    def update(self, request, *args, **kwargs):
        question = self.get_object()
        data = QuestionSerializer(question, data=request.data)
        data.is_valid(raise_exception=True)
        parsed = data.to_parsed()
        services.check_parsed(parsed)
        services.replace_question(question=question, parsed=parsed)
        return Response(QuestionSerializer(_question(question.pk)).data)

    def perform_destroy(self, instance):
        services.delete_questions(questions=Question.objects.filter(pk=instance.pk))


class QuizViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = QuizSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["course"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Quiz.objects.none()
        return visible_quizzes(self.request.user).order_by("title", "id")

    def get_permissions(self):
        return [IsInstructor()] if self.action in ("create", "partial_update") else super().get_permissions()

    def _require_teacher(self, course: Course) -> None:
        if not teaches(self.request.user, course):
            raise exceptions.PermissionDenied(_("Only the course's instructors can do this."))

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        course = fields.pop("course")
        self._require_teacher(course)
        serializer.instance = quiz_services.create_quiz(actor=self.request.user, course=course, **fields)

    def perform_update(self, serializer):
        self._require_teacher(serializer.instance.course)
        if "course" in serializer.validated_data:
            self._require_teacher(serializer.validated_data["course"])
        serializer.instance = quiz_services.update_quiz(actor=self.request.user, quiz=serializer.instance,
                                                        **serializer.validated_data)

    @extend_schema(request=None, responses={201: StartedAttemptSerializer, 200: StartedAttemptSerializer})
    @action(detail=True, methods=["post"])
    def attempts(self, request, pk=None):
        """Start an attempt, or get back the one in progress."""
        try:
            attempt, created = services.start_attempt(user=request.user, quiz=Quiz(pk=int(pk)))
        except Quiz.DoesNotExist:
            raise exceptions.NotFound() from None
        except services.QuizError as error:
            if error.status == 403 and not self.get_queryset().filter(pk=pk).exists():
                raise exceptions.NotFound() from error
            return quiz_error_response(error)
        return Response(StartedAttemptSerializer(attempt).data, status=201 if created else 200)

    @extend_schema(request=None, responses={202: JobAcceptedSerializer})
    @action(detail=True, methods=["post"])
    def regrade(self, request, pk=None):
        quiz = self.get_object()
        self._require_teacher(quiz.course)
        job = services.request_regrade(actor=request.user, quiz=quiz)
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=StatisticsSerializer)
    @action(detail=True, methods=["get"])
    def statistics(self, request, pk=None):
        """Item statistics counting every scored attempt; for a very large quiz, the last ones and a job to poll."""
        quiz = self.get_object()
        self._require_teacher(quiz.course)
        stats = services.quiz_statistics(actor=request.user, quiz=quiz)
        return Response(StatisticsSerializer(stats).data)


class AttemptViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AttemptSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        return Attempt.objects.all()

    def retrieve(self, request, pk=None):
        attempt = get_object_or_404(Attempt.objects.select_related("quiz", "user"), pk=pk)
        if attempt.user_id == request.user.pk:
            full = services.review_allowed(attempt)
        elif teaches(request.user, attempt.quiz.course):
            full = True
        else:
            raise exceptions.NotFound()
        responses = [_response(item, attempt, full) for item in attempt.responses.all()]
        return Response(AttemptSerializer(attempt, context={"responses": responses}).data)

    @extend_schema(request=AnswersSerializer, responses={200: SubmittedSerializer, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["patch"])
    def answers(self, request, pk=None):
        data = AnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            attempt = services.save_answers(attempt=Attempt(pk=int(pk)), user=request.user,
                                            answers=data.validated_data["answers"])
        except Attempt.DoesNotExist:
            raise exceptions.NotFound() from None
        except services.QuizError as error:
            return quiz_error_response(error)
        return Response({"id": attempt.pk, "status": attempt.status})

    @extend_schema(request=None, responses={202: SubmittedSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        try:
            attempt = services.submit_attempt(attempt=Attempt(pk=int(pk)), user=request.user)
        except Attempt.DoesNotExist:
            raise exceptions.NotFound() from None
        return Response({"id": attempt.pk, "status": "submitted"}, status=status.HTTP_202_ACCEPTED)


def _response(item: QuizResponse, attempt: Attempt, full: bool) -> dict:
    data = attempt.questions[item.position]
    shown = {"id": item.pk, "question": item.question_id, "type": data["type"], "answer": item.answer}
    if full:
        shown.update(points=item.points, max_points=item.max_points, feedback=item.feedback, comment=item.comment,
                     correct_answer=snapshot.correct_answer(data))
    return shown


class GradeResponseView(APIView):
    @extend_schema(request=GradeSerializer, responses=AttemptSerializer)
    def post(self, request, pk):
        item = get_object_or_404(QuizResponse.objects.select_related("attempt__quiz__course"), pk=pk)
        if not teaches(request.user, item.attempt.quiz.course):
            if item.attempt.user_id == request.user.pk:
                raise exceptions.PermissionDenied(_("Only the course's instructors grade answers."))
            raise exceptions.NotFound()
        grade = GradeSerializer(data=request.data)
        grade.is_valid(raise_exception=True)
        try:
            attempt = services.grade_response(actor=request.user, response=item, **grade.validated_data)
        except services.QuizError as error:
            return quiz_error_response(error)
        responses = [_response(row, attempt, True) for row in attempt.responses.all()]
        return Response(AttemptSerializer(attempt, context={"responses": responses}).data)


from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Course
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Attempt, Category, Choice, Question, QuestionBank, Quiz, QuestionType
from quizzes.question_rules import MAX_POINTS
from quizzes.snapshot import learner_view


class QuestionBankSerializer(serializers.ModelSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    question_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = QuestionBank
        fields = ["id", "name", "course", "question_count", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class ChoiceSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text=_("Keep an answer's id when editing it."))
    fraction = serializers.DecimalField(max_digits=8, decimal_places=5, min_value=Decimal("-1"),
                                        max_value=Decimal("1"), default=Decimal("0"))

    class Meta:
        model = Choice
        fields = ["id", "text", "fraction", "feedback", "match_text", "value", "tolerance", "minimum", "maximum"]
        extra_kwargs = {field: {"required": False} for field in ("text", "feedback", "match_text")}


class QuestionSerializer(serializers.ModelSerializer):
    """A question with its answers, as instructors see and edit it."""

    category = serializers.CharField(source="category.name", allow_blank=True, required=False, default="",
                                     max_length=255)
    answers = ChoiceSerializer(source="choices", many=True)
    type = serializers.ChoiceField(choices=QuestionType.choices)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0"), max_value=MAX_POINTS,
                                      default=Decimal("1"))

    class Meta:
        model = Question
        fields = ["id", "bank", "category", "type", "title", "text", "text_format", "points", "general_feedback",
                  "options", "answers", "created_at", "updated_at"]
        read_only_fields = ["bank", "created_at", "updated_at"]

    def to_parsed(self) -> ParsedQuestion:
        data = self.validated_data
        answers = []
        for item in data.get("choices", []):
            answer = ParsedAnswer(**{key: value for key, value in item.items() if key != "id"})
            answer.id = item.get("id")
            answers.append(answer)
        return ParsedQuestion(
            type=data["type"], text=data["text"], title=data.get("title", ""),
            text_format=data.get("text_format", "plain"), category=data.get("category", {}).get("name", ""),
            general_feedback=data.get("general_feedback", ""), points=data.get("points", Decimal("1")),
            options=data.get("options") or {}, answers=answers,
        )


class ImportQuestionsSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=["gift", "aiken", "xlsx"])


class ImportedSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class QuizSerializer(serializers.ModelSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    bank = serializers.PrimaryKeyRelatedField(queryset=QuestionBank.objects.all())
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Quiz
        fields = ["id", "title", "course", "bank", "category", "question_count", "time_limit_minutes",
                  "max_attempts", "grading_method", "pass_percent", "shuffle_questions", "shuffle_choices", "review",
                  "counts_for_completion", "opens_at", "closes_at", "layout", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        # The model's rules, which the admin's form applies too; what the request leaves out stays as it is.
        fields = ("course", "bank", "category", "opens_at", "closes_at")
        Quiz(**{field: attrs.get(field, getattr(self.instance, field, None)) for field in fields}).clean()
        return attrs


class LearnerQuestionSerializer(serializers.Serializer):
    """A question as a learner receives it: no weights, no correctness, no feedback."""

    id = serializers.IntegerField()
    type = serializers.CharField()
    text = serializers.CharField()
    text_format = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    choices = serializers.JSONField(required=False, help_text=_("[{id, text}], or {items, options} for matching"))


class StartedAttemptSerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = ["id", "quiz", "number", "status", "started_at", "deadline", "questions", "answers"]

    @extend_schema_field(LearnerQuestionSerializer(many=True))
    def get_questions(self, attempt):
        return [learner_view(data) for data in attempt.questions]

    def to_representation(self, attempt):
        """The same as the fields above give, written out: this answers every exam start, and
        building a model serializer's fields costs more here than the rest of the answer."""
        return {
            "id": attempt.pk, "quiz": attempt.quiz_id, "number": attempt.number, "status": attempt.status,
            "started_at": _DATETIME.to_representation(attempt.started_at),
            "deadline": _DATETIME.to_representation(attempt.deadline) if attempt.deadline else None,
            "questions": self.get_questions(attempt), "answers": attempt.answers,
        }


_DATETIME = serializers.DateTimeField()


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True), allow_empty=True)


class SubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class ResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.IntegerField(allow_null=True)
    type = serializers.CharField()
    answer = serializers.JSONField(allow_null=True)
    points = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, required=False)
    max_points = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    feedback = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True)
    correct_answer = serializers.JSONField(required=False, allow_null=True)


class AttemptSerializer(serializers.ModelSerializer):
    responses = serializers.SerializerMethodField()
    learner = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Attempt
        fields = ["id", "quiz", "user", "learner", "number", "status", "started_at", "deadline", "submitted_at",
                  "scored_at", "score", "max_score", "percent", "passed", "responses"]

    @extend_schema_field(ResponseSerializer(many=True))
    def get_responses(self, attempt):
        return self.context["responses"]

    def to_representation(self, attempt):
        data = super().to_representation(attempt)
        if attempt.status != Attempt.Status.SCORED:
            # API.md: the score fields are null until scored (an essay waiting for grading has no total yet).
            data.update(score=None, max_score=None, percent=None, passed=None)
        return data


class GradeSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class JobAcceptedSerializer(serializers.Serializer):
    job = serializers.IntegerField()


class QuestionStatisticsSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    attempts = serializers.IntegerField()
    facility = serializers.FloatField(allow_null=True)
    discrimination = serializers.FloatField(allow_null=True)
    choices = serializers.DictField(child=serializers.IntegerField())


class StatisticsSerializer(serializers.Serializer):
    attempts = serializers.IntegerField(help_text=_("Scored attempts counted; attempts waiting for an essay grade "
                                                    "count once graded."))
    computed_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField(help_text=_("The figures leave out attempts scored since; `job` is counting "
                                                 "them."))
    job = serializers.IntegerField(allow_null=True, help_text=_("While stale: the job to poll at /api/v1/jobs/{job}/."))
    questions = QuestionStatisticsSerializer(many=True)

from django.contrib import admin

from courses.admin import TaughtCoursesMixin
from quizzes.models import Attempt, Category, Choice, Question, QuestionBank, Quiz, Response


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "text", "fraction", "feedback", "match_text", "value", "tolerance", "minimum", "maximum"]
    extra = 0


@admin.register(QuestionBank)
class QuestionBankAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    course_path = "course__"
    list_display = ["name", "course", "version", "updated_at"]
    list_select_related = ["course"]
    search_fields = ["name", "course__code"]


@admin.register(Category)
class CategoryAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    course_path = "bank__course__"
    list_display = ["name", "bank"]
    list_select_related = ["bank"]


@admin.register(Question)
class QuestionAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    course_path = "bank__course__"
    list_display = ["__str__", "type", "bank", "category", "points"]
    list_filter = ["type"]
    list_select_related = ["bank", "category"]
    search_fields = ["title", "text"]
    inlines = [ChoiceInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Cached question pools of quizzes follow the bank's version.
        form.instance.bank.touch()


@admin.register(Quiz)
class QuizAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    course_path = "course__"
    list_display = ["title", "course", "bank", "question_count", "time_limit_minutes", "opens_at", "closes_at"]
    list_select_related = ["course", "bank"]
    search_fields = ["title", "course__code"]


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ["position", "question", "answer", "points", "max_points", "comment"]
    readonly_fields = ["position", "question", "answer", "points", "max_points", "comment"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(TaughtCoursesMixin, admin.ModelAdmin):
    """Read-only: attempts change only through the quiz services (grading goes through the API)."""

    course_path = "quiz__course__"
    list_display = ["quiz", "user", "number", "status", "percent", "passed", "submitted_at"]
    list_filter = ["status", "passed"]
    list_select_related = ["quiz", "user"]
    search_fields = ["user__full_name", "user__employee_code", "quiz__title"]
    exclude = ["questions", "answers"]
    readonly_fields = ["quiz", "user", "number", "status", "started_at", "deadline", "submitted_at", "scored_at",
                       "score", "max_score", "percent", "passed", "scoring_enqueued_at"]
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

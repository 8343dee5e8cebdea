import re
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import uploads
from accounts.admin import AccessibleAdminMixin, AccessibleTabularInline, LabelledInlineFormSet, ServiceSavesMixin
from courses.admin import TaughtCoursesMixin
from quizzes import services
from quizzes.access import visible_quizzes
from quizzes.formats import FormatError, ParsedAnswer, ParsedQuestion
from quizzes.models import Attempt, Category, Choice, Question, QuestionBank, Quiz, Response
from quizzes.services.banks import CHOICE_FIELDS


class TaughtQuizMixin(TaughtCoursesMixin):
    taught_paths = {**TaughtCoursesMixin.taught_paths, "quizzes.questionbank": "course",
                    "quizzes.category": "bank__course"}


class ChoiceFormSet(LabelledInlineFormSet):
    """Checks the question with the answers as edited, by the rules every other way in goes through."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            services.check_parsed(self.parsed_question())
        except ValidationError as error:
            raise ValidationError(error.messages) from None  # a formset shows a list, not fields

    def parsed_question(self) -> ParsedQuestion:
        """The question with its answers as edited, as the services take it: kept answers keep their ids."""
        question = self.instance
        return ParsedQuestion(
            type=question.type, text=question.text, title=question.title, text_format=question.text_format,
            category=question.category.name if question.category_id else "",
            general_feedback=question.general_feedback, points=question.points, options=question.options,
            answers=[self._answer(form) for form in self._kept_forms()],
        )

    @staticmethod
    def _answer(form) -> ParsedAnswer:
        answer = ParsedAnswer(**{field: form.cleaned_data.get(field) for field in CHOICE_FIELDS})
        answer.id = form.instance.pk
        return answer

    def _kept_forms(self):
        deleted = self.deleted_forms
        kept = [form for form in self.forms if form.cleaned_data and form not in deleted]
        return sorted(kept, key=lambda form: form.cleaned_data.get("position") or 0)


class ChoiceInline(AccessibleTabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["position", "text", "fraction", "feedback", "match_text", "value", "tolerance", "minimum", "maximum"]
    extra = 0


# An Aiken file has "ANSWER:" (or "ĐÁP ÁN:") lines; a GIFT line hardly ever starts so.
_AIKEN_ANSWER = re.compile(r"^\s*(?:ANSWER|ĐÁP ÁN)\s*:", re.IGNORECASE | re.MULTILINE)
_EXTENSION_FORMATS = {".gift": "gift", ".aiken": "aiken", ".xlsx": "xlsx", ".xls": "xlsx"}
_GUESSED_EXTENSIONS = (*_EXTENSION_FORMATS, ".txt")
FORMAT_NAMES = {"gift": "GIFT", "aiken": "Aiken", "xlsx": "XLSX"}


def guessed_format(filename: str, data: bytes) -> str | None:
    """The format of a file by its extension; a .txt file (GIFT from Moodle, or Aiken) by its answer lines."""
    extension = PurePath(filename).suffix.lower()
    if extension == ".txt":
        return "aiken" if _AIKEN_ANSWER.search(data.decode("utf-8", "replace")) else "gift"
    return _EXTENSION_FORMATS.get(extension)


class ImportQuestionsForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(
        label=_("Format"), initial="auto",
        choices=[("auto", _("Guess from the file name")), *FORMAT_NAMES.items()],
    )

    def clean(self):
        cleaned = super().clean()
        name = cleaned["file"].name if "file" in cleaned else None
        if name and cleaned.get("format") == "auto" and PurePath(name).suffix.lower() not in _GUESSED_EXTENSIONS:
            self.add_error("format", _("The format cannot be told from the name “%(name)s”: choose GIFT, Aiken "
                                       "or XLSX.") % {"name": name})
        return cleaned

    def file_format(self, data: bytes) -> str:
        """The format chosen, or guessed from the file's name and its content, `data`."""
        chosen = self.cleaned_data["format"]
        return guessed_format(self.cleaned_data["file"].name, data) if chosen == "auto" else chosen


@admin.register(QuestionBank)
class QuestionBankAdmin(AccessibleAdminMixin, ServiceSavesMixin, TaughtQuizMixin, admin.ModelAdmin):
    """Banks, with pages to import questions from a file and to export them, as the API does."""

    list_display = ["name", "course", "version", "updated_at"]
    list_select_related = ["course"]
    search_fields = ["name", "course__code"]
    readonly_fields = ["version"]  # the question pools' cache key: bumped by every change of a question

    def get_urls(self):
        return [
            path("<path:object_id>/import/", self.admin_site.admin_view(self.import_view),
                 name="quizzes_questionbank_import"),
            path("<path:object_id>/export/<str:file_format>/", self.admin_site.admin_view(self.export_view),
                 name="quizzes_questionbank_export"),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        # A bank stays in its course (its quizzes are that course's), as in the API.
        return [*self.readonly_fields, "course"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # a new name; the API changes no bank
        else:
            self.adopt(obj, services.create_bank(actor=request.user, name=obj.name, course=obj.course))

    def render_change_form(self, request, context, *args, **kwargs):
        context["export_formats"] = {key: FORMAT_NAMES[key] for key in services.EXPORT_FORMATS}
        return super().render_change_form(request, context, *args, **kwargs)

    def import_view(self, request, object_id):
        bank = self._bank(request, object_id, self.has_change_permission)
        form = ImportQuestionsForm(request.POST or None, request.FILES or None)
        errors = []
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                data = uploads.read_upload(file, max_bytes=settings.QUESTION_IMPORT_MAX_BYTES)
                created = services.import_questions(actor=request.user, bank=bank, data=data,
                                                    file_format=form.file_format(data), filename=file.name)
            except (FormatError, uploads.UploadError) as error:
                errors = error.errors
            else:
                self.message_user(request, ngettext("Imported %(count)d question.", "Imported %(count)d questions.",
                                                    created) % {"count": created}, messages.SUCCESS)
                return redirect("admin:quizzes_questionbank_change", bank.pk)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": bank,
            "title": _("Import questions"), "form": form, "errors": errors,
            "max_size": settings.QUESTION_IMPORT_MAX_BYTES,
        }
        return TemplateResponse(request, "admin/quizzes/questionbank/import.html", context)

    def export_view(self, request, object_id, file_format):
        bank = self._bank(request, object_id, self.has_view_permission)
        if file_format not in services.EXPORT_FORMATS:
            raise Http404
        exported = services.export_questions(bank=bank, file_format=file_format)
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response

    def _bank(self, request, object_id, permission) -> QuestionBank:
        """A bank of the admin's queryset, so a bank the instructor does not teach is a 404."""
        bank = self.get_object(request, unquote(object_id))
        if bank is None:
            raise Http404
        if not permission(request, bank):
            raise PermissionDenied
        return bank


@admin.register(Category)
class CategoryAdmin(AccessibleAdminMixin, TaughtQuizMixin, admin.ModelAdmin):
    taught_path = "bank__course"
    list_display = ["name", "bank"]
    list_select_related = ["bank"]


@admin.register(Question)
class QuestionAdmin(AccessibleAdminMixin, ServiceSavesMixin, TaughtQuizMixin, admin.ModelAdmin):
    """A question is saved with its answers by the services the API's calls, which clean its HTML."""

    taught_path = "bank__course"
    list_display = ["__str__", "type", "bank", "category", "points"]
    list_filter = ["type"]
    list_select_related = ["bank", "category"]
    search_fields = ["title", "text"]
    inlines = [ChoiceInline]

    def get_readonly_fields(self, request, obj=None):
        # A question stays in its bank, as in the API.
        return ["bank"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Nothing yet: the question is saved with its answers, which the inline holds (`save_related`)."""

    def save_related(self, request, form, formsets, change):
        [choices] = formsets
        choices.save(commit=False)  # sorts the answers into new, changed and deleted ones for the admin's log
        if change:
            services.replace_question(question=form.instance, parsed=choices.parsed_question())
        else:
            added = services.add_questions(bank=form.instance.bank, parsed=[choices.parsed_question()])
            self.adopt(form.instance, added[0])

    def delete_model(self, request, obj):
        services.delete_questions(questions=Question.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.delete_questions(questions=queryset)


@admin.register(Quiz)
class QuizAdmin(AccessibleAdminMixin, TaughtQuizMixin, admin.ModelAdmin):
    """Saved as the API's serializer saves a quiz: the model's `clean` holds the rules both apply."""

    list_display = ["title", "course", "bank", "question_count", "time_limit_minutes", "layout",
                    "counts_for_completion", "opens_at", "closes_at"]
    list_select_related = ["course", "bank"]
    search_fields = ["title", "course__code"]
    actions = ["regrade", "compute_statistics"]

    def get_queryset(self, request):
        """What the API lists: quizzes of the courses taught, and of the courses the caller is enrolled in."""
        return visible_quizzes(request.user).select_related("course")

    @admin.action(description=_("Regrade the selected quizzes with their questions' current keys"),
                  permissions=["change"])
    def regrade(self, request, queryset):
        for quiz in self.taught_only(request, queryset):
            job = services.request_regrade(actor=request.user, quiz=quiz)
            self.message_user(request, _("%(quiz)s: regrading %(count)d attempts (job %(job)d).")
                              % {"quiz": quiz, "count": job.total, "job": job.pk})

    @admin.action(description=_("Compute the item statistics of the selected quizzes"), permissions=["change"])
    def compute_statistics(self, request, queryset):
        from quizzes.tasks import compute_statistics

        for quiz in self.taught_only(request, queryset):
            transaction.on_commit(lambda pk=quiz.pk: compute_statistics.delay(pk), robust=True)
        self.message_user(request, _("The statistics are being computed; the API gives them at "
                                     "/api/v1/quizzes/<id>/statistics/."))


class ResponseInline(AccessibleTabularInline):
    model = Response
    fields = ["position", "question", "answer", "points", "max_points", "comment"]
    readonly_fields = ["position", "question", "answer", "points", "max_points", "comment"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(AccessibleAdminMixin, TaughtQuizMixin, admin.ModelAdmin):
    """Read-only: attempts change only through the quiz services (grading goes through the API)."""

    taught_path = "quiz__course"
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

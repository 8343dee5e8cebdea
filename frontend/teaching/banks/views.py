"""Question banks in the teaching workspace: create a bank; its questions listed, added and edited by type,
previewed as learners see them; import, export and the XLSX template.

Banks and questions are looked up among the courses the instructor teaches:
anyone else's are a 404, as in the API.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import uploads
from frontend.access import instructor_required, taught_or_404
from frontend.answer_forms import AttemptForm
from frontend.questions import answer_text, question_html
from frontend.teaching.banks.forms import (
    QUESTION_FORMS,
    BankForm,
    ExportForm,
    ImportForm,
    QuestionEditor,
    QuestionFilterForm,
)
from quizzes import scoring
from quizzes.formats import FormatError, xlsx
from quizzes.models import Question, QuestionBank, QuestionType
from quizzes.services import banks

QUESTIONS_PER_PAGE = 25
TEMPLATES = "frontend/teaching/banks/"


def own_bank(request, pk: int) -> QuestionBank:
    return taught_or_404(QuestionBank.objects.select_related("course"), request.user, pk)


def own_question(request, pk: int) -> Question:
    questions = Question.objects.select_related("bank__course", "category")
    return taught_or_404(questions, request.user, pk, course="bank__course")


@instructor_required
@require_http_methods(["GET", "POST"])
def new_bank(request):
    form = BankForm(request.POST if request.method == "POST" else None, user=request.user,
                    initial={"course": request.GET.get("course")})
    if request.method == "POST" and form.is_valid():
        bank = banks.create_bank(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The bank “%(name)s” was created. Add its questions or import them.")
                         % {"name": bank.name})
        return redirect("teach-bank", pk=bank.pk)
    return render(request, TEMPLATES + "new_bank.html", {"form": form, "summary": _summary(form)},
                  status=400 if form.errors else 200)


def _summary(form) -> list[tuple[str, str]]:
    return [(f"#{form[name].auto_id}", f"{form[name].label}: {message}") if name in form.fields else ("#main", message)
            for name, messages_ in form.errors.items() for message in messages_]


@instructor_required
@require_GET
def bank_page(request, pk: int):
    return render_bank(request, own_bank(request, pk), ExportForm())


def render_bank(request, bank: QuestionBank, export_form: ExportForm, status: int = 200):
    categories = list(bank.categories.all())
    filters = QuestionFilterForm(request.GET, categories=categories)
    questions = bank.questions.select_related("category").order_by("id")
    if filters.is_valid():
        questions = _filtered(questions, filters.cleaned_data)
    else:
        status = 400
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, TEMPLATES + "bank.html", {
        "bank": bank, "page": page, "filters": filters, "export_form": export_form, "types": QuestionType.choices,
        "filtered": filters.is_valid() and any(filters.cleaned_data.values()),
        "summary": _summary(filters) + _summary(export_form),
    }, status=status)


def _filtered(questions, wanted: dict):
    if wanted["search"]:
        questions = questions.filter(Q(title__icontains=wanted["search"]) | Q(text__icontains=wanted["search"]))
    if wanted["category"]:
        questions = questions.filter(category_id=wanted["category"])
    return questions


@instructor_required
@require_http_methods(["GET", "POST"])
def new_question(request, pk: int):
    bank = own_bank(request, pk)
    kind = request.GET.get("type", "")
    if kind not in QUESTION_FORMS:
        return render(request, TEMPLATES + "choose_type.html", {"bank": bank, "types": QuestionType.choices},
                      status=400 if kind else 200)
    categories = list(bank.categories.all())
    editor = QuestionEditor(kind, data=request.POST if request.method == "POST" else None, categories=categories)
    if request.method == "POST" and editor.is_valid():
        question = banks.add_questions(bank=bank, parsed=[editor.parsed()])[0]
        messages.success(request, _("The question was added. This is how learners will see it."))
        return redirect("teach-question-preview", pk=question.pk)
    return render_editor(request, bank, editor, None, status=400 if request.method == "POST" else 200)


def render_editor(request, bank: QuestionBank, editor: QuestionEditor, question: Question | None, status: int):
    return render(request, TEMPLATES + "question_form.html", {
        "bank": bank, "question": question, "editor": editor, "form": editor.form, "formset": editor.formset,
        "kind": editor.kind, "kind_label": QuestionType(editor.kind).label,
        "categories": editor.form.categories, "summary": editor.summary() if editor.form.is_bound else [],
    }, status=status)


@instructor_required
@require_http_methods(["GET", "POST"])
def edit_question(request, pk: int):
    question = own_question(request, pk)
    categories = list(question.bank.categories.all())
    editor = QuestionEditor(question.type, data=request.POST if request.method == "POST" else None,
                            categories=categories, question=question)
    if request.method == "POST" and editor.is_valid():
        banks.replace_question(question=question, parsed=editor.parsed())
        messages.success(request, _("The question was saved. This is how learners will see it."))
        return redirect("teach-question-preview", pk=question.pk)
    return render_editor(request, question.bank, editor, question, status=400 if request.method == "POST" else 200)


@instructor_required
@require_http_methods(["GET", "POST"])
def preview_question(request, pk: int):
    """The question as a learner sees it; an answer tried here is scored, and nothing is stored."""
    question = own_question(request, pk)
    stored = banks.preview_snapshot(question)
    shown = banks.learner_preview(question)
    form = AttemptForm([shown], {}, data=request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        answer = form.answers()[str(question.pk)]
        result = {"score": scoring.score(stored, answer), "answer": answer_text(stored, answer)}
    row = {"number": 1, "question": shown, "html": question_html(shown), "fields": form.fields_of(shown),
           "errors": [error for field in form.fields_of(shown) for error in field.errors]}
    return render(request, TEMPLATES + "preview.html", {
        "question": question, "bank": question.bank, "form": form, "row": row, "result": result,
    }, status=400 if form.errors else 200)


@instructor_required
@require_http_methods(["GET", "POST"])
def delete_question(request, pk: int):
    question = own_question(request, pk)
    if request.method == "POST":
        banks.delete_questions(questions=Question.objects.filter(pk=question.pk))
        messages.success(request, _("The question was deleted."))
        return redirect("teach-bank", pk=question.bank_id)
    return render(request, TEMPLATES + "delete_question.html", {"question": question, "bank": question.bank})


@instructor_required
@require_http_methods(["GET", "POST"])
def import_questions(request, pk: int):
    bank = own_bank(request, pk)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = uploads.read_upload(upload, max_bytes=settings.QUESTION_IMPORT_MAX_BYTES)
            created = banks.import_questions(actor=request.user, bank=bank, data=data,
                                             file_format=form.cleaned_data["format"], filename=upload.name)
        except (FormatError, uploads.UploadError) as error:
            errors = error.errors
        else:
            messages.success(request, ngettext("%(count)d question was imported.", "%(count)d questions were imported.",
                                               created) % {"count": created})
            return redirect("teach-bank", pk=bank.pk)
    summary = _summary(form) + [(f"#{form['file'].auto_id}", _line_error(error)) for error in errors]
    return render(request, TEMPLATES + "import.html", {
        "bank": bank, "form": form, "errors": errors, "summary": summary,
    }, status=400 if summary else 200)


def _line_error(error: dict) -> str:
    where = _("Line %(line)s") % {"line": error["line"]}
    if error.get("column"):
        where += f", {error['column']}"
    return f"{where}: {error['message']}"


@instructor_required
@require_GET
def export_questions(request, pk: int):
    bank = own_bank(request, pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render_bank(request, bank, form, status=400)
    exported = banks.export_questions(bank=bank, file_format=form.cleaned_data["format"])
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@instructor_required
@require_GET
def xlsx_template(request):
    response = HttpResponse(xlsx.template(), content_type=banks.EXPORT_FORMATS["xlsx"].content_type)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-cau-hoi.xlsx"'
    return response

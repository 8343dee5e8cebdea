"""Question banks: create, import, export, edit questions."""

import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, uploads
from accounts.models import User
from courses.content import clean_html
from courses.models import Course
from django.utils.module_loading import import_string

from quizzes import snapshot
from quizzes.formats import FormatError, ParsedAnswer, ParsedQuestion
from quizzes.models import Category, Choice, Question, QuestionBank
from quizzes.question_rules import question_problems

READERS = {
    "gift": "quizzes.formats.gift.parse_bytes",
    "aiken": "quizzes.formats.aiken.parse_bytes",
    "xlsx": "quizzes.formats.xlsx.parse",
}
CHOICE_FIELDS = ("text", "fraction", "feedback", "match_text", "value", "tolerance", "minimum", "maximum")
# Workbooks are ZIP files (XLSX) or OLE2 containers (XLS, or an XLSX with a password).
_SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


@dataclass(frozen=True)
class ExportFormat:
    writer: str
    content_type: str
    extension: str


EXPORT_FORMATS = {
    "gift": ExportFormat("quizzes.formats.gift.dump", "text/plain; charset=utf-8", "gift"),
    # Aiken holds single-answer questions only: the writer leaves the others out.
    "aiken": ExportFormat("quizzes.formats.aiken.dump", "text/plain; charset=utf-8", "txt"),
    "xlsx": ExportFormat("quizzes.formats.xlsx.dump",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@dataclass(frozen=True)
class ExportedFile:
    content: str | bytes
    content_type: str
    filename: str


@transaction.atomic
def create_bank(*, actor: User, name: str, course: Course) -> QuestionBank:
    bank = QuestionBank.objects.create(name=name, course=course)
    audit.record(actor=actor, action="question_bank.created", target=bank)
    return bank


def import_questions(*, actor: User, bank: QuestionBank, data: bytes, file_format: str, filename: str = "") -> int:
    """Read a file and add all its questions to the bank, or none. Raises FormatError."""
    if file_format not in READERS:
        raise FormatError([{"line": 1, "message": _("Unknown format: %(format)s") % {"format": file_format}}])
    _check_file(data, file_format)
    parsed = import_string(READERS[file_format])(data)
    if not parsed:
        raise FormatError([{"line": 1, "message": _("The file holds no questions.")}])
    _check_all(parsed)
    with transaction.atomic():
        created = add_questions(bank=bank, parsed=parsed)
        audit.record(actor=actor, action="questions.imported", target=bank,
                     changes={"file": filename, "format": file_format, "created": len(created)})
    return len(created)


def _check_file(data: bytes, file_format: str) -> None:
    """Problems of the whole file, told (at its first line, as every import does) before a reader tries it."""
    if len(data) > settings.QUESTION_IMPORT_MAX_BYTES:
        raise FormatError([{"line": 1, "message": uploads.too_large_message(settings.QUESTION_IMPORT_MAX_BYTES)}])
    if file_format != "xlsx" and data.startswith(_SPREADSHEET_SIGNATURES):
        # The text readers would call a workbook "not UTF-8", which would send people the wrong way.
        raise FormatError([{"line": 1, "message": _("This is an Excel file, not a text file: choose the XLSX "
                                                    "format.")}])


def _check_all(parsed: list[ParsedQuestion]) -> None:
    """The rules of `check_parsed` for a whole file, every problem at the line of its question."""
    errors = [
        {"line": question.line, "message": message}
        for question in parsed
        for messages in question_problems(question).values()
        for message in messages
    ]
    if errors:
        raise FormatError(errors)


@transaction.atomic
def add_questions(*, bank: QuestionBank, parsed: list[ParsedQuestion]) -> list[Question]:
    """Store parsed questions in a few bulk statements, whatever their number."""
    categories = _categories(bank, {question.category for question in parsed if question.category})
    parsed = [_sanitised(item) for item in parsed]
    questions = Question.objects.bulk_create(
        [
            Question(
                bank=bank, category=categories.get(item.category), type=item.type, title=item.title[:255],
                text=item.text, text_format=item.text_format, points=item.points,
                general_feedback=item.general_feedback, options=item.options,
            )
            for item in parsed
        ],
        batch_size=500,
    )
    Choice.objects.bulk_create(
        [
            Choice(question=question, position=position, **{field: getattr(answer, field) for field in CHOICE_FIELDS})
            for question, item in zip(questions, parsed, strict=True)
            for position, answer in enumerate(item.answers)
        ],
        batch_size=1000,
    )
    bank.touch()
    return questions


@transaction.atomic
def delete_questions(*, questions: QuerySet[Question]) -> None:
    """Delete questions; their banks take a new version, so no cached question pool keeps them.

    The rows are locked first: scoring that is writing responses to them
    (quizzes.services.grading) finishes, and its responses are unlinked too.
    """
    chosen = list(questions.values_list("pk", flat=True))  # a changelist's queryset may be DISTINCT: no FOR UPDATE
    locked = list(
        Question.objects.filter(pk__in=chosen).order_by("pk").select_for_update().values_list("pk", "bank_id")
    )
    bank_ids = {bank_id for _pk, bank_id in locked}
    Question.objects.filter(pk__in=[pk for pk, _bank_id in locked]).delete()
    QuestionBank.objects.filter(pk__in=bank_ids).update(version=F("version") + 1, updated_at=timezone.now())


def _sanitised(question: ParsedQuestion) -> ParsedQuestion:
    """HTML question text is cleaned on the way in, like lessons: nothing harmful is stored."""
    if question.text_format == "html":
        question.text = clean_html(question.text)
        question.general_feedback = clean_html(question.general_feedback)
    return question


def _categories(bank: QuestionBank, names: set[str]) -> dict[str, Category]:
    existing = {category.name: category for category in bank.categories.filter(name__in=names)}
    missing = [Category(bank=bank, name=name) for name in sorted(names - existing.keys())]
    for category in Category.objects.bulk_create(missing):
        existing[category.name] = category
    return existing


def parsed_questions(bank: QuestionBank) -> list[ParsedQuestion]:
    """The bank's questions in the neutral form the format writers take."""
    questions = bank.questions.select_related("category").prefetch_related("choices").order_by("category__name", "id")
    return [
        ParsedQuestion(
            type=question.type, text=question.text, title=question.title, text_format=question.text_format,
            category=question.category.name if question.category else "", general_feedback=question.general_feedback,
            points=question.points, options=question.options or {},
            answers=[
                ParsedAnswer(**{field: _plain_number(getattr(choice, field)) for field in CHOICE_FIELDS})
                for choice in question.choices.all()
            ],
        )
        for question in questions
    ]


def export_questions(*, bank: QuestionBank, file_format: str) -> ExportedFile:
    """The bank as a file that imports back to the same questions; `file_format` is a key of EXPORT_FORMATS."""
    export_format = EXPORT_FORMATS[file_format]
    content = import_string(export_format.writer)(parsed_questions(bank))
    return ExportedFile(content=content, content_type=export_format.content_type,
                        filename=f"ngan-hang-{bank.pk}.{export_format.extension}")


def _plain_number(value):
    # Decimal fields come back with their full scale (1.00000); formats want 1.
    if hasattr(value, "normalize") and value is not None:
        normal = value.normalize()
        return normal.quantize(1) if normal == normal.to_integral() else normal
    return value


@transaction.atomic
def replace_question(*, question: Question, parsed: ParsedQuestion) -> Question:
    """Edit a question. Attempts already taken keep their snapshot; a regrade applies the new key."""
    parsed = _sanitised(parsed)
    for field in ("type", "text", "title", "text_format", "general_feedback", "points", "options"):
        setattr(question, field, getattr(parsed, field))
    question.category = _categories(question.bank, {parsed.category})[parsed.category] if parsed.category else None
    question.save()
    kept = {choice.pk: choice for choice in question.choices.all()}
    choices = []
    for position, answer in enumerate(parsed.answers):
        choice = kept.pop(getattr(answer, "id", None), None) or Choice(question=question)
        choice.position = position
        for field in CHOICE_FIELDS:
            setattr(choice, field, getattr(answer, field))
        choices.append(choice)
    Choice.objects.filter(pk__in=list(kept)).delete()
    for choice in choices:
        choice.save()
    question.bank.touch()
    return question


def learner_preview(question: Question) -> dict:
    """The question exactly as an attempt shows it to a learner (`snapshot.learner_view`), its answers in the
    order written; the options of a matching question are shuffled, as in every attempt, the same way each time."""
    return snapshot.learner_view(preview_snapshot(question))


def preview_snapshot(question: Question) -> dict:
    """The question as an attempt stores it (answer key included), for scoring an instructor's trial answer."""
    data = snapshot.question_data(question, list(question.choices.all()))
    return snapshot.for_attempt(data, random.Random(question.pk), shuffle_choices=False)

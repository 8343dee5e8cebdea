import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from quizzes.question_rules import MAX_POINTS


class QuestionBank(models.Model):
    name = models.CharField(_("name"), max_length=255)
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="question_banks")
    # Bumped whenever a question changes, so cached question pools go stale at once.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def touch(self) -> None:
        QuestionBank.objects.filter(pk=self.pk).update(version=F("version") + 1, updated_at=timezone.now())


class Category(models.Model):
    """A category of a bank; nested categories are written as a path (`Một cửa/Quy trình`)."""

    bank = models.ForeignKey(QuestionBank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="unique_category_name")]

    def __str__(self):
        return self.name


# The largest numbers a quiz takes: beyond them a value is a typing mistake, and
# a time limit of 10**12 minutes would overflow the deadline's date.
MAX_QUESTIONS_PER_ATTEMPT = 1000
MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60  # a week
MAX_ATTEMPTS = 100


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay")


class Question(models.Model):
    class TextFormat(models.TextChoices):
        PLAIN = "plain", _("Plain text")
        HTML = "html", _("HTML")
        MARKDOWN = "markdown", _("Markdown")
        MOODLE = "moodle", _("Moodle auto-format")

    bank = models.ForeignKey(QuestionBank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="questions")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    text = models.TextField(_("text"))
    text_format = models.CharField(_("text format"), max_length=10, choices=TextFormat.choices, default=TextFormat.PLAIN)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_POINTS)])
    general_feedback = models.TextField(_("general feedback"), blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["id"]

    def __str__(self):
        return self.title or self.text[:80]

    def clean(self):
        if self.category_id and self.bank_id and self.category.bank_id != self.bank_id:
            raise ValidationError({"category": [_("The category belongs to another bank.")]})


def new_public_id() -> int:
    """A random number for an answer, under which learners see and send it.

    Database ids follow the order the answers were written in, and the right
    answer is usually written first: showing them would give it away.
    """
    return secrets.randbelow(2**31 - 2) + 1


class Choice(models.Model):
    """An answer of a question, whatever its type (see `quizzes.formats.ParsedAnswer`)."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    public_id = models.PositiveIntegerField(_("public id"), default=new_public_id, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("text"), blank=True)
    fraction = models.DecimalField(_("weight"), max_digits=8, decimal_places=5, default=Decimal("0"))
    feedback = models.TextField(_("feedback"), blank=True)
    match_text = models.TextField(_("matching option"), blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=8, null=True, blank=True)
    tolerance = models.DecimalField(_("tolerance"), max_digits=20, decimal_places=8, null=True, blank=True)
    minimum = models.DecimalField(_("minimum"), max_digits=20, decimal_places=8, null=True, blank=True)
    maximum = models.DecimalField(_("maximum"), max_digits=20, decimal_places=8, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "public_id"], name="quizzes_choice_public_id_unique"),
        ]

    def __str__(self):
        return self.text[:80]


class Quiz(models.Model):
    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest grade")
        AVERAGE = "average", _("Average grade")
        FIRST = "first", _("First attempt")
        LAST = "last", _("Last attempt")

    class Review(models.TextChoices):
        AFTER_SUBMIT = "after_submit", _("After the attempt is submitted")
        AFTER_CLOSE = "after_close", _("After the quiz closes")
        NEVER = "never", _("Never")

    class Layout(models.TextChoices):
        ALL_ON_ONE_PAGE = "all_on_one_page", _("All questions on one page")
        ONE_PER_PAGE = "one_per_page", _("One question per page")

    title = models.CharField(_("title"), max_length=255)
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="quizzes")
    bank = models.ForeignKey(QuestionBank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="quizzes")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="quizzes",
        help_text=_("Empty: the whole bank."),
    )
    question_count = models.PositiveIntegerField(
        _("questions per attempt"), null=True, blank=True, help_text=_("Empty: every question, else a random draw."),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUESTIONS_PER_ATTEMPT)],
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIME_LIMIT_MINUTES)],
    )
    max_attempts = models.PositiveIntegerField(
        _("attempts allowed"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_ATTEMPTS)]
    )
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    pass_percent = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    review = models.CharField(_("review"), max_length=15, choices=Review.choices, default=Review.AFTER_SUBMIT)
    counts_for_completion = models.BooleanField(
        _("counts for completion"), default=True,
        help_text=_("The course is completed only once every quiz that counts is passed; a practice quiz does not."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    layout = models.CharField(_("layout"), max_length=20, choices=Layout.choices, default=Layout.ALL_ON_ONE_PAGE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        """The rules of the fields together: the admin's form applies them, and the API's serializer."""
        if self.course_id and self.bank_id and self.bank.course_id != self.course_id:
            raise ValidationError({"bank": [_("The bank belongs to another course.")]})
        if self.category_id and self.bank_id and self.category.bank_id != self.bank_id:
            raise ValidationError({"category": [_("The category belongs to another bank.")]})
        for field in ("opens_at", "closes_at"):
            moment = getattr(self, field)
            # Other years are typing mistakes; before 1906 the province's clock was not UTC+7 either.
            if moment is not None and not 2000 <= moment.year <= 2100:
                raise ValidationError({field: [_("Give a date from 2000 to 2100.")]})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": [_("The quiz must close after it opens.")]})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now < self.closes_at)

    def is_closed(self, now=None) -> bool:
        return self.closes_at is not None and (now or timezone.now()) >= self.closes_at


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        SCORED = "scored", _("Scored")
        NEEDS_GRADING = "needs_grading", _("Waiting for grading")

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveIntegerField(_("attempt number"), default=1)
    # The enrolment's cycle it belongs to: after a certificate's renewal, only the new cycle's attempts count.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    scoring_enqueued_at = models.DateTimeField(null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    # The questions as they were when the attempt started: order, texts, choices,
    # keys. Scoring reads this snapshot, so editing a question later never changes
    # what an attempt meant; a regrade refreshes the keys on purpose.
    questions = models.JSONField(_("questions"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="unique_attempt_number"),
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(status="in_progress"), name="one_open_attempt"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_sweep")]

    def __str__(self):
        return f"{self.quiz} #{self.number} – {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    def past_deadline(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) > self.deadline


class Response(models.Model):
    """One scored answer; written in bulk by the scoring task."""

    attempt = models.ForeignKey(Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), null=True, on_delete=models.SET_NULL, related_name="responses"
    )
    position = models.PositiveIntegerField(_("position"))
    answer = models.JSONField(_("answer"), null=True, blank=True)
    fraction = models.DecimalField(_("fraction"), max_digits=8, decimal_places=5, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=8, decimal_places=2)
    feedback = models.TextField(_("feedback"), blank=True)
    comment = models.TextField(_("instructor's comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("graded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="one_response_per_slot")]

    @property
    def needs_grading(self) -> bool:
        return self.points is None


class QuizStatistics(models.Model):
    """Item statistics of a quiz, computed by a Celery task from scored attempts."""

    quiz = models.OneToOneField(Quiz, on_delete=models.CASCADE, related_name="statistics")
    attempts = models.PositiveIntegerField(default=0)
    questions = models.JSONField(default=list)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quiz statistics")
        verbose_name_plural = _("quiz statistics")

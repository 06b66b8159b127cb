"""Courses, lessons and quizzes as Wagtail pages, and the question bank.

Page tree: TrainingIndexPage → CoursePage → LessonPage / QuizPage.
The quiz engine's records (attempts and their snapshots) live next to the
quiz page; learner progress is LessonRead / CourseCompletion.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import LessonBodyBlock


class TrainingIndexPage(Page):
    """The training home: lists the courses."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("training home")

    def courses(self):
        return CoursePage.objects.child_of(self).live().specific().order_by("path")


class CoursePage(Page):
    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Short stable code, e.g. WIN; clause ids start with it.")
    )
    summary = models.TextField(_("summary"), blank=True)
    prerequisites = ParentalManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by", verbose_name=_("prerequisites")
    )
    required_before_ride_along = models.BooleanField(
        _("required before a ride-along"),
        default=False,
        help_text=_("A trainee must complete this theory course before a mentor may take them on a ride-along."),
    )
    open_to_all = models.BooleanField(
        _("open to everyone"), default=True, help_text=_("Anyone may take it, not only people it is assigned to.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("code"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("prerequisites"), FieldPanel("required_before_ride_along"), FieldPanel("open_to_all")],
            heading=_("Rules"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.TrainingIndexPage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def quizzes(self):
        return QuizPage.objects.child_of(self).live().order_by("path")


class LessonPage(Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    material_change = models.BooleanField(
        _("material change (重大修订)"),
        default=False,
        help_text=_(
            "Tick when this revision changes what staff must do: holders of valid certificates "
            "get this lesson and its quiz as a refresher."
        ),
    )
    change_note = models.CharField(_("what changed"), max_length=255, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("material_change"), FieldPanel("change_note")], heading=_("Revision")),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def course(self):
        return self.get_parent().specific

    def clause_ids(self):
        return [b.value["clause_id"] for b in self.body if b.block_type == "clause"]


class QuestionCategory(models.Model):
    """A bank category; a category with a parent is a sub-category (scored separately)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )

    panels = [FieldPanel("name"), FieldPanel("parent")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]

    def __str__(self):
        return f"{self.parent} / {self.name}" if self.parent_id else self.name


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("courses.Question", on_delete=models.CASCADE, related_name="tagged_items")


class Question(index.Indexed, ClusterableModel):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True / false")
        ESSAY = "essay", _("Essay (marked by a person)")

    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="questions", verbose_name=_("category")
    )
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.SINGLE)
    stem = models.TextField(_("question"))
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("image"),
    )
    image_alt = models.CharField(_("image alternative text"), max_length=255, blank=True)
    explanation = models.TextField(_("explanation (答案解析)"), blank=True)
    reference_answer = models.TextField(_("reference answer"), blank=True, help_text=_("Essay questions only."))
    clause_ids = models.CharField(
        _("clause ids"), max_length=255, blank=True, help_text=_("Clauses this question tests, e.g. WIN-05, WIN-06.")
    )
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("tags"))
    source_key = models.CharField(
        _("source key"), max_length=100, null=True, blank=True, unique=True, editable=False,
        help_text=_("Stable key of a question loaded from shipped data."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("category"),
        FieldPanel("type"),
        FieldPanel("stem"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        InlinePanel("options", label=_("Options")),
        FieldPanel("explanation"),
        FieldPanel("reference_answer"),
        FieldPanel("clause_ids"),
        FieldPanel("tags"),
    ]
    search_fields = [index.SearchField("stem"), index.SearchField("clause_ids"), index.FilterField("category")]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "id"]

    def __str__(self):
        return self.stem[:60]

    def clause_id_list(self):
        return [c.strip() for c in self.clause_ids.replace("，", ",").split(",") if c.strip()]

    def clean(self):
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("text"), max_length=500)
    correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=500, blank=True)

    panels = [FieldPanel("text"), FieldPanel("correct"), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text


class QuizPage(Page):
    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")

    class ShowAnswers(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately after each question")
        AFTER_ATTEMPT = "after_attempt", _("After the attempt")
        NEVER = "never", _("Never")

    intro = RichTextField(_("introduction"), blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    attempts_allowed = models.PositiveIntegerField(_("attempts allowed"), default=0, help_text=_("0 = unlimited."))
    grading = models.CharField(_("grading"), max_length=10, choices=Grading.choices, default=Grading.HIGHEST)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty = no time limit.")
    )
    show_answers = models.CharField(
        _("show correct answers and explanations"), max_length=16, choices=ShowAnswers.choices,
        default=ShowAnswers.AFTER_ATTEMPT,
    )
    max_questions = models.PositiveIntegerField(
        _("maximum questions"), null=True, blank=True, help_text=_("Draw at most this many questions (empty = all).")
    )
    success_text = models.TextField(_("text when passed"), blank=True)
    fail_text = models.TextField(_("text when failed"), blank=True)
    practice = models.BooleanField(
        _("practice only"), default=False, help_text=_("A practice quiz does not count towards completing the course.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("fixed_questions", label=_("Fixed questions")),
        InlinePanel("random_draws", label=_("Random questions from categories")),
        MultiFieldPanel(
            [
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("max_questions"),
                FieldPanel("attempts_allowed"),
                FieldPanel("grading"),
                FieldPanel("pass_mark"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("show_answers"),
                FieldPanel("practice"),
            ],
            heading=_("Settings"),
        ),
        FieldPanel("success_text"),
        FieldPanel("fail_text"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @property
    def course(self):
        return self.get_parent().specific

    def is_passed_by(self, user):
        """Whether ``user`` has a finished attempt that passed (the attempts live in ``Attempt``)."""
        return self.attempts.filter(user=user, passed=True).exists()


class QuizFixedQuestion(Orderable):
    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question"))

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")


class QuizRandomDraw(Orderable):
    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="random_draws")
    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    count = models.PositiveIntegerField(_("number of questions"), default=10, validators=[MinValueValidator(1)])

    panels = [FieldPanel("category"), FieldPanel("count")]

    class Meta(Orderable.Meta):
        verbose_name = _("random draw")


class LessonRead(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_read")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson read")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_read_once")]


class CourseCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("course completion")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="course_completed_once")]


class CourseAssignment(models.Model):
    """A course assigned to a person, a post or a region, with a due date."""

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="assignments",
                               verbose_name=_("course"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="course_assignments", verbose_name=_("person"))
    post = models.ForeignKey("lms.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("post"))
    region = models.ForeignKey("lms.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("region"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("assigned by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [FieldPanel("course"), FieldPanel("user"), FieldPanel("post"), FieldPanel("region"),
              FieldPanel("due_date"), FieldPanel("reason")]

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, post__isnull=True, region__isnull=True)
                    | Q(user__isnull=True, post__isnull=False, region__isnull=True)
                    | Q(user__isnull=True, post__isnull=True, region__isnull=False)
                ),
                name="course_assignment_one_target",
            )
        ]

    def __str__(self):
        return f"{self.course} → {self.user or self.post or self.region}"

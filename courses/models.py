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
from wagtail.contrib.settings.models import BaseGenericSetting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import LessonBodyBlock
from .forms import QuestionAdminForm
from .site_rules import SITE_RULE_CHOICES, rule_question_problems


class LearnerPageMixin:
    """Training pages are for signed-in staff: anyone else is sent to the login page."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)


class TrainingIndexPage(LearnerPageMixin, Page):
    """The training home: lists the courses."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("training home")

    def courses(self):
        return CoursePage.objects.child_of(self).live().specific().order_by("path")

    def get_context(self, request, *args, **kwargs):
        from .selectors import assignments_for, progress_for_courses

        context = super().get_context(request, *args, **kwargs)
        assignments = list(assignments_for(request.user)) if request.user.is_authenticated else []
        assigned = {a.course_id for a in assignments}
        rows = progress_for_courses(request.user, self.courses(), assignments)
        context["assigned_progress"] = [p for p in rows if p.course.pk in assigned]
        context["other_progress"] = [p for p in rows if p.course.pk not in assigned and p.course.open_to_all]
        return context


class CoursePage(LearnerPageMixin, Page):
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

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_progress

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = course_progress(request.user, self, with_parent=True)
        return context

    def missing_prerequisites(self, completed_ids):
        """Prerequisite courses not in ``completed_ids`` (a set of course ids); uses prefetched data if present."""
        return [c for c in self.prerequisites.all() if c.pk not in completed_ids]


class LessonPage(LearnerPageMixin, Page):
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

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated and "mark_read" in request.POST:
            from django.contrib import messages
            from django.shortcuts import redirect
            from django.utils.translation import gettext

            from .selectors import lesson_progress
            from .services import mark_lesson_read

            progress = lesson_progress(request.user, self)
            if progress is None or progress.locked:
                messages.error(request, gettext("This course is locked until its prerequisites are completed."))
            else:
                completed = mark_lesson_read(request.user, self)
                messages.success(request, gettext("Marked as read."))
                if completed:
                    messages.success(request, gettext("Course completed. Well done!"))
            return redirect(self.get_url(request))
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        """The lesson reads only what it shows: its course with the lessons' read state (its own state, its lock,
        its neighbours and the next step once it is read), in one query (``selectors.lesson_progress``)."""
        from .selectors import lesson_progress

        context = super().get_context(request, *args, **kwargs)
        progress = lesson_progress(request.user, self)
        read = bool(progress and progress.is_read(self))
        previous, following = progress.neighbours(self) if progress else (None, None)
        context.update(
            progress=progress,
            read=read,
            previous_lesson=previous,
            next_lesson=following,
            number=progress.position(self) if progress else None,
            next_step=progress.next_step(after=self) if progress and read else None,
        )
        return context


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
    scenario = models.BooleanField(
        _("scenario question"), default=False,
        help_text=_("A customer and a situation: what do you do or say (情境题), rather than recall of a list."),
    )
    marking_points = models.TextField(
        _("marking points"), blank=True,
        help_text=_("Written answers only: the points the marker checks, one per line."),
    )
    site_rule = models.CharField(
        _("asks for the site's rule"), max_length=40, blank=True, choices=SITE_RULE_CHOICES,
        help_text=_("The options are built from the organisation's setting of this rule, not typed here."),
    )
    rule_candidates = models.CharField(
        _("values offered"), max_length=100, blank=True,
        help_text=_("Rule questions only: whole numbers separated by commas, e.g. 5, 10, 15, 20, 30."),
    )
    option_template = models.CharField(
        _("option wording"), max_length=200, blank=True,
        help_text=_("Rule questions only: the wording of each option with {} for the number, e.g. 提前 {} 分钟."),
    )
    active = models.BooleanField(
        _("in use"), default=True,
        help_text=_("Retired questions are no longer drawn; past attempts keep their copy."),
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
        FieldPanel("marking_points"),
        MultiFieldPanel(
            [FieldPanel("site_rule"), FieldPanel("rule_candidates"), FieldPanel("option_template")],
            heading=_("Question on the site's rule"),
        ),
        FieldPanel("clause_ids"),
        FieldPanel("scenario"),
        FieldPanel("active"),
        FieldPanel("tags"),
    ]
    search_fields = [index.SearchField("stem"), index.SearchField("clause_ids"), index.FilterField("category")]
    base_form_class = QuestionAdminForm

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
        if self.site_rule:
            problems = rule_question_problems(self.type, self.rule_candidates, self.option_template)
            if problems:
                raise ValidationError({"site_rule": problems})

    def marking_point_list(self):
        return [line.strip() for line in self.marking_points.splitlines() if line.strip()]

    def resolved_options(self, rules=None):
        """``[(text, correct)]`` as a learner will see them: rule questions get their options from the site's
        setting (see ``courses.site_rules``), the others their own rows with any ``[[rule]]`` token filled."""
        from .site_rules import current_rules, fill, rule_options

        rules = rules or current_rules()
        if self.site_rule:
            return rule_options(self.site_rule, self.rule_candidates, self.option_template, rules)
        return [(fill(o.text, rules), o.correct) for o in self.options.all()]

    @classmethod
    def option_problems(cls, type, options):
        """What is wrong with ``options`` (a list of (text, correct)) for a question of ``type``."""
        if type == cls.Type.ESSAY:
            return []
        correct = sum(1 for _text, ok in options if ok)
        problems = []
        if len(options) < 2:
            problems.append(_("Give at least two options."))
        if not correct:
            problems.append(_("Mark the correct option."))
        if type in (cls.Type.SINGLE, cls.Type.TRUE_FALSE) and correct > 1:
            problems.append(_("Only one option may be correct for this type."))
        if type == cls.Type.TRUE_FALSE and len(options) != 2:
            problems.append(_("A true/false question has exactly two options."))
        return problems


class SiteRules(BaseGenericSetting):
    """Values the seeds disagree on, set once by the organisation (设置 → 本单位服务规定).

    Lessons show them and questions ask for them through ``[[name]]`` tokens and rule questions
    (``Question.site_rule``), so a change here changes what is taught and what is asked at once.
    """

    arrive_early_minutes = models.PositiveSmallIntegerField(
        _("minutes early to be at one's post"), default=10, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Staff are at their post this many minutes before opening (提前到岗)."),
    )
    answer_within_rings = models.PositiveSmallIntegerField(
        _("rings before the phone is answered"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("The phone is answered before it has rung this many times."),
    )

    panels = [FieldPanel("arrive_early_minutes"), FieldPanel("answer_within_rings")]

    class Meta:
        verbose_name = _("service rules of the organisation")


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


class QuizPage(LearnerPageMixin, Page):
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

    def clean(self):
        super().clean()
        if self.pass_mark is not None and self.pass_mark > 100:
            raise ValidationError({"pass_mark": _("The pass mark cannot be above 100 %.")})

    def draw_questions(self, rng=None):
        """The questions of a new attempt: fixed ones, then N random ones per category draw.

        Shuffled when ``shuffle_questions``; at most ``max_questions`` (a random subset).
        """
        import random

        rng = rng or random.Random()
        chosen = []
        seen = set()
        for fixed in self.fixed_questions.select_related("question__category").order_by("sort_order"):
            if fixed.question_id not in seen:
                seen.add(fixed.question_id)
                chosen.append(fixed.question)
        for draw in self.random_draws.select_related("category").order_by("sort_order"):
            pool = list(
                Question.objects.filter(Q(category=draw.category) | Q(category__parent=draw.category), active=True)
                .exclude(pk__in=seen)
                .select_related("category__parent")
            )
            picked = rng.sample(pool, min(draw.count, len(pool)))
            seen.update(q.pk for q in picked)
            chosen.extend(picked)
        if self.max_questions and len(chosen) > self.max_questions:
            keep = set(rng.sample(range(len(chosen)), self.max_questions))
            chosen = [q for i, q in enumerate(chosen) if i in keep]
        if self.shuffle_questions:
            rng.shuffle(chosen)
        return chosen

    def has_questions(self):
        return self.fixed_questions.exists() or Question.objects.filter(
            Q(category__in=self.random_draws.values("category")) | Q(category__parent__in=self.random_draws.values("category")),
            active=True,
        ).exists()

    def graded_attempt(self, user, attempts=None):
        """The attempt that counts for ``user`` under this quiz's grading (highest or last), or None.

        ``attempts`` may be given (already fetched, any quiz) to avoid a query.
        """
        if attempts is None:
            attempts = self.attempts.filter(user=user)
        attempts = [a for a in attempts if a.quiz_id == self.pk and a.user_id == user.pk and a.state != "in_progress"]
        if not attempts:
            return None
        if self.grading == self.Grading.LAST:
            return max(attempts, key=lambda a: a.number)
        return max(attempts, key=lambda a: (a.passed, a.score or 0, -a.number))

    def is_passed_by(self, user):
        """Whether the attempt that counts (highest or last, per ``grading``) passed."""
        attempt = self.graded_attempt(user)
        return bool(attempt and attempt.passed)

    def get_context(self, request, *args, **kwargs):
        from .services import completed_course_ids, course_progress, open_attempt, start_refusal

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        progress = course_progress(user, self.course)
        current = open_attempt(user, self)
        attempts = list(self.attempts.filter(user=user).order_by("-number"))
        context.update(
            progress=progress,
            attempts=attempts,
            open_attempt=current,
            graded=self.graded_attempt(user, attempts),
            refusal=None if current else start_refusal(user, self, completed=completed_course_ids(user)),
        )
        return context

    def result_text(self, passed):
        return self.success_text if passed else self.fail_text


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

    def clean(self):
        targets = [t for t in (self.user_id, self.post_id, self.region_id) if t]
        if len(targets) != 1:
            raise ValidationError(_("Choose exactly one of person, post or region."))


class Attempt(models.Model):
    """One learner's attempt at a quiz: in progress → finished → marked (when essays need a person).

    The questions drawn, their order and their options are copied into ``AttemptQuestion``
    rows when the attempt starts, so later edits of the bank never change a past result.
    ``seq`` grows with every accepted change; a form carries the ``seq`` it was rendered
    with, and a submit with another ``seq`` (back button, double click, second tab) is
    stale and changes nothing.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")
        MARKED = "marked", _("Marked")

    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts",
                             verbose_name=_("learner"))
    number = models.PositiveIntegerField(_("attempt number"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    seq = models.PositiveIntegerField(_("sequence number"), default=0)
    position = models.PositiveIntegerField(_("current question"), default=0)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=0)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(state="in_progress"), name="one_open_attempt_per_quiz"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.number} · {self.user}"

    @property
    def is_open(self):
        return self.state == self.State.IN_PROGRESS

    def is_overdue(self, now=None):
        return self.is_open and self.deadline is not None and (now or timezone.now()) >= self.deadline

    @property
    def needs_marking(self):
        return self.state == self.State.FINISHED and any(q.needs_marking for q in self.questions.all())

    def may_show_answers(self, answer=None):
        """Whether correct flags and explanations may be shown: never before they are due.

        After the attempt under "after the attempt" or "immediately"; during the attempt only for
        an answered question under "immediately"; never under "never".
        """
        mode = self.quiz.show_answers
        if mode == QuizPage.ShowAnswers.NEVER:
            return False
        if not self.is_open:
            return True
        return mode == QuizPage.ShowAnswers.IMMEDIATELY and answer is not None and answer.is_answered

    def seconds_left(self, now=None):
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))


class AttemptQuestion(models.Model):
    """A question as it was when the attempt started, and the learner's answer to it.

    ``options`` is a list of ``{"id", "text", "correct", "feedback"}`` in the order shown;
    ``selected`` holds positions in that list.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"))
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(_("type"), max_length=12, choices=Question.Type.choices)
    stem = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    reference_answer = models.TextField(_("reference answer"), blank=True)
    category_name = models.CharField(_("category"), max_length=100, blank=True)
    parent_category_name = models.CharField(_("parent category"), max_length=100, blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    image_alt = models.CharField(_("image alternative text"), max_length=255, blank=True)
    # The answer
    selected = models.JSONField(_("selected options"), default=list, blank=True)
    text_answer = models.TextField(_("written answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    correct = models.BooleanField(_("correct"), null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt question")
        ordering = ["attempt", "order"]
        constraints = [models.UniqueConstraint(fields=["attempt", "order"], name="attempt_question_order_unique")]

    def __str__(self):
        return self.stem[:60]

    @property
    def is_essay(self):
        return self.type == Question.Type.ESSAY

    @property
    def is_answered(self):
        return self.answered_at is not None

    @property
    def needs_marking(self):
        return self.is_essay and self.correct is None

    def correct_positions(self):
        return {i for i, o in enumerate(self.options) if o.get("correct")}

    def grade(self):
        """Whether the answer is right (all-or-nothing for multiple choice); essays keep the marker's verdict."""
        if self.is_essay:
            return self.correct
        if not self.selected:
            return False
        return set(self.selected) == self.correct_positions()

    def option_rows(self):
        """Options with whether the learner chose them (no correct flags: safe before answers may be shown)."""
        chosen = set(self.selected or [])
        return [{"position": i, "text": o["text"], "chosen": i in chosen} for i, o in enumerate(self.options)]

    def review_rows(self):
        """Options with the learner's choice, the correct flag and feedback (only once answers may be shown)."""
        chosen = set(self.selected or [])
        return [
            {"position": i, "text": o["text"], "chosen": i in chosen, "correct": bool(o.get("correct")),
             "feedback": o.get("feedback", "")}
            for i, o in enumerate(self.options)
        ]


class AnswerMark(models.Model):
    """Every marking decision, kept: who set an answer right or wrong, and when."""

    answer = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, related_name="marks")
    correct = models.BooleanField(_("correct"))
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("answer mark")
        ordering = ["marked_at", "pk"]

"""Courses, lessons and quizzes as Wagtail pages, and the question bank.

Page tree: TrainingIndexPage → CoursePage → LessonPage / QuizPage.
The quiz engine's records (attempts and their snapshots) live next to the
quiz page; learner progress is LessonRead / CourseCompletion.
"""

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from mentorship.models import AuditedRecord

from .blocks import LessonBodyBlock
from .forms import QuestionAdminForm
from .site_rules import SITE_RULE_CHOICES, rule_question_problems


def split_clause_ids(text):
    """Clause ids written as "WIN-05, WIN-06" (either comma) as a list."""
    return [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]


def split_lines(text):
    """Non-empty lines of ``text``, stripped (marking points are written one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


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
        """Prerequisite courses not in ``completed_ids`` (a set of course ids, or a function giving it, called only
        when the course has prerequisites); uses prefetched data if present."""
        prerequisites = list(self.prerequisites.all())
        if prerequisites and callable(completed_ids):
            completed_ids = completed_ids()
        return [c for c in prerequisites if c.pk not in completed_ids]


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
        from .site_rules import current_rules

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
        # The body fills [[rule]] tokens with these values (read with the course); the body's cache key varies with them.
        context["site_rules"] = progress.site_rules if progress else current_rules(request)
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
    source_hash = models.CharField(
        _("content as loaded"), max_length=64, blank=True, editable=False,
        help_text=_("Fingerprint of the content the standards loader last wrote; a different fingerprint of the "
                    "current content means an editor changed the question, and the loader keeps it."),
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
        return split_clause_ids(self.clause_ids)

    def clause_group(self):
        """The item's clause group in a quiz's blueprint (``blueprint_sample``): its first clause, e.g. WIN-05.

        The first clause is the one the item is written to test (further ones are touched on); items
        without clauses share the group "".
        """
        ids = self.clause_id_list()
        return ids[0] if ids else ""

    def clean(self):
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})
        if self.site_rule:
            problems = rule_question_problems(self.type, self.rule_candidates, self.option_template)
            if problems:
                raise ValidationError({"site_rule": problems})

    def marking_point_list(self):
        return split_lines(self.marking_points)

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
    attempts_allowed = models.PositiveIntegerField(
        _("attempts per round"), default=3,
        help_text=_("Certifying quizzes: attempts a learner has before their training lead must grant a new round. "
                    "Practice quizzes are unlimited."),
    )
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
        help_text=_("A certifying quiz shows them only after the attempt that passes or the last attempt of a round, "
                    "never between retries."),
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
        """The course the quiz belongs to (its parent page, always a course): one query."""
        return CoursePage.objects.get(path=self.path[: -self.steplen])

    def clean(self):
        super().clean()
        errors = {}
        if self.pass_mark is not None and self.pass_mark > 100:
            errors["pass_mark"] = _("The pass mark cannot be above 100 %.")
        if self.certifying and not self.attempts_allowed:
            errors["attempts_allowed"] = _("A certifying quiz limits the attempts of a round (for example 3).")
        if self.certifying and self.show_answers == self.ShowAnswers.IMMEDIATELY:
            errors["show_answers"] = _(
                "A certifying quiz shows the answers only after the attempt that passes or the last attempt of a "
                "round. Choose 'after the attempt' or 'never', or make it a practice quiz."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def certifying(self):
        """Whether this quiz counts toward completing the course (and so toward a certificate)."""
        return not self.practice

    @property
    def immediate_feedback(self):
        """Whether each answer is checked (and locked) as it is given: practice quizzes set to "immediately"."""
        return not self.certifying and self.show_answers == self.ShowAnswers.IMMEDIATELY

    @property
    def attempts_per_round(self):
        """Attempts of a round (0 = unlimited): certifying quizzes limit them, practice quizzes never do."""
        return self.attempts_allowed if self.certifying else 0

    def draw_questions(self, rng=None):
        """The questions of a new attempt, drawn afresh for every attempt: the fixed ones, then each random draw.

        Each random draw spreads its ``count`` items over the clause groups of its pool as evenly as the pool
        allows (``blueprint_sample``), counting what the questions chosen before it already cover. Written
        answers are drawn by a draw of their own: the standards loader files a course's objective items and
        its essays in two child categories, each with its own draw (``[quiz] draw`` and ``[quiz] essays``), so
        an essay never takes an objective item's place. ``max_questions`` keeps a blueprint sample of the
        result; ``shuffle_questions`` shuffles it. The questions come with their category (and its parent), image and
        options (one query for all of them), ready to be snapshotted.
        """
        rng = rng or random.Random()
        chosen = []
        seen = set()
        for fixed in self.fixed_questions.select_related("question__category__parent", "question__image").order_by(
            "sort_order"
        ):
            if fixed.question_id not in seen:
                seen.add(fixed.question_id)
                chosen.append(fixed.question)
        covered = Counter(q.clause_group() for q in chosen)
        for draw in self.random_draws.select_related("category").order_by("sort_order"):
            pool = list(
                Question.objects.filter(Q(category=draw.category) | Q(category__parent=draw.category), active=True)
                .exclude(pk__in=seen)
                .select_related("category__parent", "image")
                .order_by("pk")
            )
            picked = blueprint_sample(pool, draw.count, rng, covered)
            seen.update(q.pk for q in picked)
            chosen.extend(picked)
        if self.max_questions and len(chosen) > self.max_questions:
            keep = {id(q) for q in blueprint_sample(chosen, self.max_questions, rng)}
            chosen = [q for q in chosen if id(q) in keep]
        if self.shuffle_questions:
            rng.shuffle(chosen)
        models.prefetch_related_objects(chosen, "options")
        return chosen

    def has_questions(self):
        return self.fixed_questions.exists() or Question.objects.filter(
            Q(category__in=self.random_draws.values("category")) | Q(category__parent__in=self.random_draws.values("category")),
            active=True,
        ).exists()

    def graded_attempt(self, user, attempts=None):
        """The attempt that counts for ``user`` under this quiz's grading (highest or last), or None.

        Under "highest" a pass wins, then an attempt still waiting for marking (it may yet pass), then the
        best score. ``attempts`` may be given (already fetched, any quiz) to avoid a query.
        """
        if attempts is None:
            attempts = self.attempts.filter(user=user)
        attempts = [a for a in attempts if a.quiz_id == self.pk and a.user_id == user.pk and not a.is_open]
        if not attempts:
            return None
        if self.grading == self.Grading.LAST:
            return max(attempts, key=lambda a: a.number)
        return max(attempts, key=lambda a: (a.passed, a.awaiting_marking, a.score or 0, -a.number))

    @classmethod
    def graded_attempt_order(cls, grading):
        """The SQL face of ``graded_attempt``: an ``order_by`` of a quiz's finished attempts that puts the one that
        counts under ``grading`` first (a test keeps the two equal)."""
        if grading == cls.Grading.LAST:
            return [F("number").desc()]
        awaiting = models.Case(models.When(state=Attempt.State.AWAITING_MARKING, then=Value(1)), default=Value(0))
        return [F("passed").desc(), awaiting.desc(), Coalesce("score", Value(0), output_field=models.DecimalField()).desc(),
                F("number").asc()]

    def standing(self, user, attempts=None, rounds=None):
        """``user``'s ``QuizStanding`` here. ``attempts`` and ``rounds`` (``RoundGrant``) may be given, already
        fetched (any quiz or learner), to avoid queries."""
        if attempts is None:
            attempts = self.attempts.filter(user=user)
        if rounds is None:
            rounds = self.round_grants.filter(learner=user)
        attempts = sorted((a for a in attempts if a.quiz_id == self.pk and a.user_id == user.pk),
                          key=lambda a: a.number)
        rounds = sorted((r for r in rounds if r.quiz_id == self.pk and r.learner_id == user.pk),
                        key=lambda r: r.number)
        last = attempts[-1] if attempts else None
        granted = rounds[-1].number if rounds else 1
        round_number, used = granted, 0
        if last is not None and last.round >= granted:
            round_number, used = last.round, last.round_try
            if last.passed and self.certifying:  # a passed round is over; another try opens the next one
                round_number, used = last.round + 1, 0
        return QuizStanding(
            quiz=self, round=round_number, used=used, last=last, rounds=rounds,
            awaiting=any(a.awaiting_marking for a in attempts),
        )

    def is_passed_by(self, user):
        """Whether the attempt that counts (highest or last, per ``grading``) passed."""
        attempt = self.graded_attempt(user)
        return bool(attempt and attempt.passed)

    def get_context(self, request, *args, **kwargs):
        from .services import clauses_to_study, completed_course_ids, course_progress, open_attempt, start_refusal

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        course = self.course
        progress = course_progress(user, course)
        attempts = list(self.attempts.filter(user=user).order_by("-number"))
        current = open_attempt(user, self, attempts)
        if current is None and any(a.is_open for a in attempts):  # closed at its deadline just now
            attempts = list(self.attempts.filter(user=user).order_by("-number"))
        standing = self.standing(user, attempts, self.round_grants.filter(learner=user)
                                 .select_related("granted_by__profile"))
        context.update(
            progress=progress,
            attempts=attempts,
            open_attempt=current,
            graded=self.graded_attempt(user, attempts),
            standing=standing,
            study=clauses_to_study(course, standing.round_answers()) if standing.exhausted else [],
            refusal=None if current else start_refusal(user, self, completed=completed_course_ids(user),
                                                       standing=standing),
        )
        return context

    def result_text(self, passed):
        return self.success_text if passed else self.fail_text


def blueprint_sample(pool, count, rng, covered=None):
    """``count`` questions of ``pool`` spread over clause groups as evenly as the pool allows (the blueprint).

    Every clause group (``Question.clause_group``: the item's first clause) gets a question before any group
    gets a second, and a third only once every group that still has questions has two, and so on. ``covered``
    (a ``Counter`` by group, updated) counts questions already chosen, so several draws of one attempt spread
    together. Which group goes first among equals, and which question of a group, is random.
    """
    covered = Counter() if covered is None else covered
    groups = defaultdict(list)
    for question in pool:
        groups[question.clause_group()].append(question)
    for questions in groups.values():
        rng.shuffle(questions)
    tiebreak = {group: rng.random() for group in groups}
    picked = []
    while len(picked) < count and groups:
        group = min(groups, key=lambda g: (covered[g], tiebreak[g]))
        picked.append(groups[group].pop())
        covered[group] += 1
        if not groups[group]:
            del groups[group]
    return picked


@dataclass
class QuizStanding:
    """Where one learner stands at one quiz (``QuizPage.standing``): the round their next attempt belongs to.

    A round is ``QuizPage.attempts_allowed`` attempts at a certifying quiz (practice quizzes: unlimited). It
    ends with the attempt that passes (a later try, e.g. a refresher, opens the next round by itself) or with
    its last allowed attempt; then only the learner's training lead can open a new round (``RoundGrant``).
    """

    quiz: "QuizPage"
    round: int  # the round the next (or the open) attempt belongs to
    used: int  # attempts already made in that round, the open one included
    last: "Attempt | None"  # the latest attempt, in any state
    awaiting: bool  # an attempt waits for its written answers to be marked
    rounds: list = field(default_factory=list)  # RoundGrant rows, oldest first

    @property
    def allowed(self):
        return self.quiz.attempts_per_round

    @property
    def left(self):
        """Attempts left in the round, or None when unlimited."""
        return None if not self.allowed else max(0, self.allowed - self.used)

    @property
    def exhausted(self):
        """Every attempt of the round used, the last one decided and failed: a new round needs the training lead.

        ``Attempt.objects.rounds_used_up()`` is the same rule in SQL (a test keeps them equal)."""
        return bool(
            self.allowed and self.used >= self.allowed and self.last is not None
            and self.last.state in Attempt.DECIDED and not self.awaiting
        )

    def round_answers(self):
        """The answers of the attempts of the last attempt's round (what to study after it)."""
        if self.last is None:
            return AttemptQuestion.objects.none()
        return AttemptQuestion.objects.filter(
            attempt__quiz_id=self.quiz.pk, attempt__user_id=self.last.user_id, attempt__round=self.last.round,
        ).exclude(attempt__state=Attempt.State.IN_PROGRESS)


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
    rule = models.ForeignKey("AssignmentRule", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="assignments", verbose_name=_("assignment rule"),
                             help_text=_("The training lead's rule that made this assignment, if any."))
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


class AssignmentRule(models.Model):
    """A training lead's standing rule: the new hires (新员工) of a region and the regions below it, of one post or
    of every post, are assigned a course, due a number of days after they start.

    Set once in the app (``courses.assignments``): applied to the new hires it reaches when it is added, and to each
    person a roster import creates or moves into it. It writes ordinary per-person ``CourseAssignment`` rows (which
    name the rule), so everything that reads assignments — the trainee's courses, due dates, the cockpit — needs
    nothing new. Retiring a rule stops it reaching new people; the assignments it made stay (they are evidence).
    """

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="assignment_rules",
                               verbose_name=_("course"))
    region = models.ForeignKey("lms.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region"),
                               help_text=_("New hires of this region and of the regions below it."))
    post = models.ForeignKey("lms.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("post"), help_text=_("Empty: every post."))
    due_days = models.PositiveSmallIntegerField(
        _("days to complete"), null=True, blank=True, validators=[MaxValueValidator(730)],
        help_text=_("Counted from the start date (or from today for someone who started earlier); empty: no due "
                    "date."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("set by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("retired by"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["region__code", "post__code", "course__path"]
        constraints = [
            # One active rule per course, region and post (an empty post counts as one value).
            models.UniqueConstraint(F("course"), F("region"), Coalesce(F("post"), Value(0)),
                                    condition=Q(retired_at__isnull=True), name="one_active_assignment_rule"),
        ]

    def __str__(self):
        return f"{self.course} → {self.region} · {self.post or _('every post')}"

    @property
    def active(self):
        return self.retired_at is None

    def due_date_for(self, start_date, today):
        """The due date of the course for someone starting on ``start_date`` (None: unknown), reached ``today``."""
        if self.due_days is None:
            return None
        start = max(start_date, today) if start_date else today
        return start + datetime.timedelta(days=self.due_days)


class AttemptQuerySet(models.QuerySet):
    def rounds_used_up(self):
        """Attempts that used up a certifying quiz's round without a pass, with nothing newer since (no later
        attempt, no new round granted): their learners wait for their training lead's new round.

        The SQL face of ``QuizStanding.exhausted`` (a test keeps the two equal).
        """
        later_attempt = Attempt.objects.filter(quiz=OuterRef("quiz"), user=OuterRef("user"),
                                               number__gt=OuterRef("number"))
        later_round = RoundGrant.objects.filter(quiz=OuterRef("quiz"), learner=OuterRef("user"),
                                                number__gt=OuterRef("round"))
        return self.filter(
            quiz__practice=False, quiz__attempts_allowed__gt=0, round_try__gte=F("quiz__attempts_allowed"),
            state__in=Attempt.DECIDED, passed=False,
        ).exclude(Exists(later_attempt)).exclude(Exists(later_round))


class Attempt(models.Model):
    """One learner's attempt at a quiz: in progress → finished, or in progress → awaiting marking → marked
    (when written answers need a person; until then it does not count as passed).

    The questions drawn, their order and their options are copied into ``AttemptQuestion``
    rows when the attempt starts, so later edits of the bank never change a past result.
    ``seq`` grows with every accepted change; a form carries the ``seq`` it was rendered
    with, and a submit with another ``seq`` (back button, double click, second tab) is
    stale and changes nothing.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_MARKING = "awaiting", _("Awaiting marking")
        FINISHED = "finished", _("Finished")
        MARKED = "marked", _("Marked")

    # States whose result is final (until a marker changes a mark).
    DECIDED = (State.FINISHED, State.MARKED)

    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts",
                             verbose_name=_("learner"))
    number = models.PositiveIntegerField(_("attempt number"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(pgettext_lazy("attempt", "started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    finished_at = models.DateTimeField(pgettext_lazy("attempt", "finished at"), null=True, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    seq = models.PositiveIntegerField(_("sequence number"), default=0)
    position = models.PositiveIntegerField(_("current question"), default=0)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=0)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    round_try = models.PositiveSmallIntegerField(_("attempt of its round"), default=1)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

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
    def awaiting_marking(self):
        return self.state == self.State.AWAITING_MARKING

    @property
    def ends_round(self):
        """Whether this attempt ended its round: decided, and passed or the round's last allowed attempt."""
        if self.state not in self.DECIDED:
            return False
        allowed = self.quiz.attempts_per_round
        return self.passed or bool(allowed and self.round_try >= allowed)

    def may_show_answers(self, answer=None):
        """Whether correct flags, explanations and reference answers may be shown: never before they are due.

        A certifying quiz shows them only once the attempt ended its round (it passed, or it was the last
        allowed attempt, and is marked), never between retries. A practice quiz: after the attempt under
        "after the attempt" or "immediately", and during it for an answered question under "immediately".
        Never under "never".
        """
        mode = self.quiz.show_answers
        if mode == QuizPage.ShowAnswers.NEVER:
            return False
        if self.quiz.certifying:
            return self.ends_round
        if not self.is_open:
            return True
        return self.quiz.immediate_feedback and answer is not None and answer.is_answered

    def seconds_left(self, now=None):
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))


class SnapshotOptionsMixin:
    """Reading a question snapshot's ``options`` (``{"id", "text", "correct", "feedback"}`` in the order shown)
    and the learner's ``selected`` positions: shared by quiz attempts and the 错题本's drills."""

    def correct_positions(self):
        return {i for i, o in enumerate(self.options) if o.get("correct")}

    def clean_selection(self, selected):
        """``(positions, error)``: the chosen option positions (as shown) from a form's values, sorted, or why
        they are not an answer to this question (damaged values, options not shown, two for a single choice)."""
        try:
            positions = sorted({int(p) for p in (selected or [])})
        except (TypeError, ValueError):
            return [], gettext("Choose one of the options shown.")
        if any(p < 0 or p >= len(self.options) for p in positions):
            return [], gettext("Choose one of the options shown.")
        if self.type != Question.Type.MULTIPLE and len(positions) > 1:
            return [], gettext("Choose only one answer.")
        return positions, None

    def grade_selection(self):
        """Whether ``selected`` is exactly the correct options (all-or-nothing for multiple choice)."""
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


class AttemptQuestion(SnapshotOptionsMixin, models.Model):
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
    marking_points = models.TextField(_("marking points"), blank=True)
    clause_ids = models.CharField(_("clause ids"), max_length=255, blank=True)
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
        # The marking queue (courses.services.marking_queue, counted on every lead's home and cockpit) reads the
        # essays not marked yet, not every answer of every attempt (a table that grows by ten rows per attempt).
        indexes = [models.Index(fields=["attempt"], condition=Q(type="essay", correct__isnull=True),
                                name="attempt_question_to_mark")]

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

    def clause_id_list(self):
        return split_clause_ids(self.clause_ids)

    def marking_point_list(self):
        return split_lines(self.marking_points)

    def grade(self):
        """Whether the answer is right (all-or-nothing for multiple choice); essays keep the marker's verdict."""
        if self.is_essay:
            return self.correct
        return self.grade_selection()


class AnswerMark(models.Model):
    """Every marking decision, kept: who set an answer right or wrong, and when."""

    answer = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, related_name="marks")
    correct = models.BooleanField(_("correct"))
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)
    comment = models.CharField(pgettext_lazy("marking", "comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("answer mark")
        ordering = ["marked_at", "pk"]


class RoundGrant(AuditedRecord):
    """A new round of attempts at a certifying quiz, granted to a learner by their training lead: who, when, why.

    Written once, never edited or deleted (``AuditedRecord``); shown on the learner's attempts and to leads.
    ``number`` is the round it opens (2, 3, …), one grant per round.
    """

    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="round_grants", verbose_name=_("quiz"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_grants",
                                verbose_name=_("learner"))
    number = models.PositiveSmallIntegerField(_("round"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("new round of attempts")
        verbose_name_plural = _("new rounds of attempts")
        ordering = ["granted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "learner", "number"], name="one_grant_per_round"),
        ]

    def __str__(self):
        return f"{self.quiz} · {self.learner} · {self.number}"

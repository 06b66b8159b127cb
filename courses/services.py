"""Business rules of the courses app that other apps rely on.

The quiz engine (attempts, scoring, marking) adds its own functions here.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Site

from lms.signals import course_completed

from .models import CourseAssignment, CourseCompletion, CoursePage, LessonRead, TrainingIndexPage


def ensure_training_index():
    """The training home page (培训中心), created under the site root on first use."""
    index = TrainingIndexPage.objects.first()
    if index:
        return index
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page if site else Page.get_first_root_node()
    index = TrainingIndexPage(title=_("Training centre"), slug="training", locale=Locale.get_default())
    root.add_child(instance=index)
    index.save_revision().publish()
    return index


def completed_course_ids(user):
    """Ids of the courses ``user`` has completed."""
    return set(CourseCompletion.objects.filter(user=user).values_list("course_id", flat=True))


def missing_ride_along_prerequisites(user):
    """Live theory courses marked "required before a ride-along" that ``user`` has not completed (M9)."""
    done = completed_course_ids(user)
    return [c for c in CoursePage.objects.live().filter(required_before_ride_along=True).order_by("path")
            if c.pk not in done]


def assignments_for(user):
    """Course assignments that reach ``user``: personally, by post, or by region (or a region above)."""
    profile = getattr(user, "profile", None)
    query = Q(user=user)
    if profile is not None and profile.post_id:
        query |= Q(post_id=profile.post_id)
    if profile is not None and profile.region_id:
        query |= Q(region_id__in=profile.region.ancestor_ids() + [profile.region_id])
    return CourseAssignment.objects.filter(query).select_related("course")


@transaction.atomic
def mark_lesson_read(user, lesson):
    """Record that ``user`` read ``lesson`` (once), then re-check the course."""
    LessonRead.objects.get_or_create(user=user, lesson=lesson)
    return check_course_completion(user, lesson.get_parent().specific)


def course_requirements_met(user, course):
    """All live lessons read and all live, counted quizzes passed."""
    lesson_ids = set(course.lessons().values_list("pk", flat=True))
    read = set(LessonRead.objects.filter(user=user, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True))
    if lesson_ids - read:
        return False
    return all(quiz.is_passed_by(user) for quiz in course.quizzes().filter(practice=False))


def check_course_completion(user, course):
    """Record the completion once when the requirements are met; send ``course_completed`` after commit."""
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        return True
    if not course_requirements_met(user, course):
        return False
    _, created = CourseCompletion.objects.get_or_create(user=user, course=course)
    if created:
        transaction.on_commit(lambda: course_completed.send(sender=CoursePage, user=user, course=course))
    return True

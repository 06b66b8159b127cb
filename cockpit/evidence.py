"""Mentorship evidence for a whole cohort at once (ride-alongs, skills, checklist).

The certificates app checks one person at a time (``certificates.requirements``);
the cockpit needs the same facts for thousands of trainees, so it reads them in
bulk here: a fixed number of queries whatever the cohort size. The results
must agree with the per-person selectors (a test compares them).

``bulk`` reads the facts of a few people (a page of the matrix) into Python;
the ``*_users`` functions return the same facts as subqueries of user ids, for
counting a whole cohort inside one SQL query (the dashboard).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from certificates.requirements import required_skills
from mentorship.models import ChecklistItem, ChecklistTopic, RideAlong, SkillAssessment


@dataclass
class Facts:
    ride_alongs: dict = field(default_factory=dict)  # user_id -> signed-off ride-alongs
    skills: dict = field(default_factory=dict)  # (user_id, skill_id) -> "passed" | "failed" (latest assessment)
    checklist_done: set = field(default_factory=set)  # user_ids with every active topic acknowledged


def latest_skill_results(user_ids, skill_ids=None):
    """``{(user_id, skill_id): "passed" | "failed"}``: the latest assessment of each skill wins."""
    assessments = SkillAssessment.objects.filter(trainee_id__in=list(user_ids))
    if skill_ids is not None:
        assessments = assessments.filter(skill_id__in=skill_ids)
    return {
        (trainee_id, skill_id): result
        for trainee_id, skill_id, result in assessments.order_by("assessed_at", "id").values_list(
            "trainee_id", "skill_id", "result"
        )
    }


def bulk(user_ids, program=None, *, skills=None):
    """The facts of ``user_ids``; ``skills``: the program's required skills when the caller has read them."""
    facts = Facts()
    user_ids = list(user_ids)
    if not user_ids:
        return facts
    facts.ride_alongs = dict(
        RideAlong.objects.filter(trainee_id__in=user_ids).counting_toward_certificate()
        .values("trainee_id").annotate(n=Count("id")).values_list("trainee_id", "n")
    )
    if skills is None and program is not None:
        skills = required_skills(program)
    skill_ids = [s.pk for s in skills] if skills is not None else None
    facts.skills = latest_skill_results(user_ids, skill_ids)
    topics = ChecklistTopic.objects.filter(active=True).count()
    if topics:
        facts.checklist_done = set(
            ChecklistItem.objects.filter(trainee_id__in=user_ids, topic__active=True, acknowledged_at__isnull=False)
            .values("trainee_id").annotate(n=Count("id")).filter(n__gte=topics).values_list("trainee_id", flat=True)
        )
    return facts


def failed_skill_user_ids(user_ids):
    """Trainees whose latest assessment of some skill is a fail (an "at risk" signal)."""
    return {uid for (uid, _skill), result in latest_skill_results(user_ids).items() if result == "failed"}


def latest_assessments():
    """Each trainee's latest assessment of each skill (no later one: by ``assessed_at``, then ``id``)."""
    later = SkillAssessment.objects.filter(trainee=OuterRef("trainee"), skill=OuterRef("skill")).filter(
        Q(assessed_at__gt=OuterRef("assessed_at")) | Q(assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk"))
    )
    return SkillAssessment.objects.filter(~Exists(later))


def latest_result_users(result, skill_id=None):
    """Subquery of trainees whose latest assessment of a skill (of ``skill_id``, or of any skill) is ``result``."""
    latest = latest_assessments().filter(result=result)
    if skill_id is not None:
        latest = latest.filter(skill_id=skill_id)
    return latest.values("trainee_id")


def ride_along_users(at_least):
    """Subquery of trainees with at least ``at_least`` signed-off ride-alongs."""
    return (
        RideAlong.objects.counting_toward_certificate().values("trainee_id")
        .annotate(n=Count("id")).filter(n__gte=at_least).values("trainee_id")
    )


def checklist_done_users():
    """Subquery of trainees who acknowledged every active topic (None when there is no active topic)."""
    topics = ChecklistTopic.objects.filter(active=True).count()
    if not topics:
        return None
    return (
        ChecklistItem.objects.filter(topic__active=True, acknowledged_at__isnull=False).values("trainee_id")
        .annotate(n=Count("id")).filter(n__gte=topics).values("trainee_id")
    )

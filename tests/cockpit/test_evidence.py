"""The cockpit's bulk mentorship facts agree with the per-person selectors certificates use."""

import datetime

from cockpit import mentor_stats
from mentorship import services
from mentorship.catalogue import ensure_catalogues
from mentorship.models import ChecklistItem, ChecklistTopic, RideAlong, Skill, SkillAssessment

from ..mentorship.helpers import END, signed_off_trip


def _trip(cast, state):
    return RideAlong.objects.create(
        trainee=cast.trainee, mentor=cast.mentor, destination_region=cast.org.hz, cities=["杭州"],
        start_date=datetime.date(2026, 10, 1), end_date=datetime.date(2026, 10, 3), state=state,
    )


def test_the_matrix_cells_say_what_the_requirements_say(cast):
    from certificates import requirements
    from certificates.models import Program
    from cockpit import matrix

    ensure_catalogues()
    skill = Skill.objects.create(name="测试技能")
    program = Program.objects.create(code="P", name="上岗认证", min_ride_alongs=2, checklist_required=True)
    program.required_skills.set([skill])
    signed_off_trip(cast)
    signed_off_trip(cast, start_date=END + datetime.timedelta(days=5), end_date=END + datetime.timedelta(days=6))
    _trip(cast, RideAlong.State.SIGNED_OFF)  # marked signed off, but no approvals and no sign-off: does not count
    _trip(cast, RideAlong.State.REQUESTED)
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result="failed", assessor=cast.lead)
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result="passed", assessor=cast.lead)
    for topic in ChecklistTopic.objects.filter(active=True):
        ChecklistItem.objects.create(trainee=cast.trainee, topic=topic, covered_by=cast.mentor,
                                     acknowledged_at=datetime.datetime(2026, 10, 5, tzinfo=datetime.UTC))
    profiles = [cast.trainee.profile, cast.other_trainee.profile]
    columns, rows = matrix.build(profiles, program)
    for profile, row in zip(profiles, rows):
        statuses = requirements.check(profile.user, program)
        assert [c.key for c in columns] == [s.key for s in statuses]
        assert [c.state for c in row.cells] == [s.state for s in statuses]
        assert [c.text for c in row.cells] == [s.text for s in statuses]
    assert [c.text for c in rows[0].cells] == ["2/2", "已通过", "已完成"]
    assert [c.state for c in rows[1].cells] == ["todo", "todo", "todo"]
    assert services.checklist_complete(cast.trainee) and services.passed_skill_ids(cast.trainee) == {skill.pk}


def test_mentor_view_counts_trips_and_sign_offs(cast):
    _trip(cast, RideAlong.State.SIGNED_OFF)
    _trip(cast, RideAlong.State.REQUESTED)
    (row,) = mentor_stats.for_mentors([cast.mentor.profile])
    assert row.values["trips_led"] == 2
    assert row.values["signed_off"] == 1
    assert row.values["trainees"] == 1


def test_mentor_pages_are_scoped(client, cast):
    client.force_login(cast.lead)
    assert client.get(f"/cockpit/mentors/{cast.mentor.profile.pk}/").status_code == 200
    assert client.get(f"/cockpit/mentors/{cast.other_mentor.profile.pk}/").status_code == 404
    client.force_login(cast.mentor)
    assert client.get(f"/cockpit/mentors/{cast.mentor.profile.pk}/").status_code == 403

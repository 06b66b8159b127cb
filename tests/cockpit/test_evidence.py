"""The cockpit's bulk mentorship facts agree with the per-person selectors certificates use."""

import datetime

from cockpit import evidence, mentor_stats
from mentorship import services
from mentorship.catalogue import ensure_catalogues
from mentorship.models import ChecklistItem, ChecklistTopic, RideAlong, Skill, SkillAssessment

from ..mentorship.helpers import END, signed_off_trip


def _trip(cast, state):
    return RideAlong.objects.create(
        trainee=cast.trainee, mentor=cast.mentor, destination_region=cast.org.hz, cities=["杭州"],
        start_date=datetime.date(2026, 10, 1), end_date=datetime.date(2026, 10, 3), state=state,
    )


def test_bulk_facts_match_the_selectors(cast):
    ensure_catalogues()
    signed_off_trip(cast)
    signed_off_trip(cast, start_date=END + datetime.timedelta(days=5), end_date=END + datetime.timedelta(days=6))
    _trip(cast, RideAlong.State.SIGNED_OFF)  # marked signed off, but no approvals and no sign-off: does not count
    _trip(cast, RideAlong.State.REQUESTED)
    skill = Skill.objects.first() or Skill.objects.create(name="上门服务流程")
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result="failed", assessor=cast.lead)
    SkillAssessment.objects.create(trainee=cast.trainee, skill=skill, result="passed", assessor=cast.lead)
    for topic in ChecklistTopic.objects.filter(active=True):
        ChecklistItem.objects.create(trainee=cast.trainee, topic=topic, covered_by=cast.mentor,
                                     acknowledged_at=datetime.datetime(2026, 10, 5, tzinfo=datetime.UTC))
    ids = [cast.trainee.pk, cast.other_trainee.pk]
    facts = evidence.bulk(ids)
    for uid, user in [(cast.trainee.pk, cast.trainee), (cast.other_trainee.pk, cast.other_trainee)]:
        assert facts.ride_alongs.get(uid, 0) == services.signed_off_ride_along_count(user)
        assert {s for (u, s), r in facts.skills.items() if u == uid and r == "passed"} == services.passed_skill_ids(user)
        assert (uid in facts.checklist_done) == services.checklist_complete(user)
    assert facts.ride_alongs[cast.trainee.pk] == 2
    assert evidence.failed_skill_user_ids(ids) == set()


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

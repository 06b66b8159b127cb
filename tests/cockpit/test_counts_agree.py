"""The lead's home and the cockpit count the same queues over the same scope.

After a roster import the home said "没有导师的新员工 2" while the cockpit said 0: the
home counted people on probation in the lead's regions, the cockpit people holding the
trainee role. Both now count ``lms.cohort`` trainees through ``mentorship.queues``.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Program
from courses.models import Attempt, AttemptQuestion, QuizPage
from mentorship.models import Question, QuestionReport, RideAlong
from tests.certificates.conftest import make_course
from tests.factories import make_person

OLD = timezone.now() - datetime.timedelta(days=10)


def _home_counts(client):
    sections = client.get("/").context["sections"]
    panels = {p.template: p for s in sections for p in s.panels}
    lead = panels["mentorship/panels/lead.html"].context
    return {
        "essays": panels["courses/panels/marking.html"].context["waiting"],
        "refreshers": panels["certificates/panels/lead.html"].context["outstanding"],
        "reports": lead["reports"],
        "overdue": lead["overdue"],
        "accountability": lead["accountability"],
        "without_mentor": lead["without_mentor"],
    }


def _cockpit_counts(client):
    response = client.get("/cockpit/")
    names = ["essays", "refreshers", "reports", "approvals", "overdue", "accountability", "without_mentor", "overrides"]
    counts = dict(zip(names, (item.count for item in response.context["waiting"]), strict=True))
    del counts["approvals"]  # the home shows the approvals on the approvers' homes, not the lead's
    del counts["overrides"]  # an audit figure of the cockpit (17.2), not a queue of the home
    return counts, response.context["figures"]["without_mentor"]


@pytest.mark.parametrize("with_program", [False, True])
def test_the_leads_home_and_the_cockpit_show_the_same_numbers(client, cast, with_program):
    """With a program the unfiltered cockpit finds its people by the kept progress rows' places; without one, by
    the scope; the home always by the scope."""
    if with_program:
        Program.objects.create(code="P", name="上岗认证")
    # Two new hires just imported from the roster: on probation, no role, no mentor.
    make_person("imported1", region=cast.org.sh)
    make_person("imported2", region=cast.org.hz)
    make_person("elsewhere", region=cast.org.gz)  # another lead's
    # A question asked long ago, unanswered (overdue), and reported (M3).
    question = Question.objects.create(asked_by=cast.trainee, owner=cast.mentor, subject="报销", body="怎么报销？",
                                       asked_at=OLD)
    QuestionReport.objects.create(question=question, reported_by=cast.trainee, against=cast.mentor,
                                  kind=QuestionReport.Kind.choices[0][0], description="敷衍")
    # A ride-along waiting for its approvals for days.
    trip = RideAlong.objects.create(trainee=cast.trainee, mentor=cast.mentor, destination_region=cast.org.hz,
                                    cities=["杭州"], start_date=datetime.date(2026, 12, 1),
                                    end_date=datetime.date(2026, 12, 2))
    RideAlong.objects.filter(pk=trip.pk).update(requested_at=OLD)
    # A written answer waiting for marking.
    course, _lesson = make_course("WIN", quiz=True)
    attempt = Attempt.objects.create(user=cast.trainee, quiz=QuizPage.objects.child_of(course).get(), number=1,
                                     state=Attempt.State.AWAITING_MARKING, finished_at=OLD)
    AttemptQuestion.objects.create(attempt=attempt, order=1, type="essay", stem="话术", text_answer="您好")

    client.force_login(cast.lead)
    home = _home_counts(client)
    cockpit, headline = _cockpit_counts(client)
    assert home == cockpit
    assert home["without_mentor"] == headline == 2
    assert (home["essays"], home["reports"], home["overdue"]) == (1, 1, 1)


def test_the_stuck_approvals_and_pending_reports_counts_open_exactly_their_records(client, cast):
    """The waiting list's counts lead to lists of exactly what they count: a fresh request and a reviewed report
    are in the ride-along list and the report list, but not behind the counts."""
    stuck = RideAlong.objects.create(trainee=cast.trainee, mentor=cast.mentor, destination_region=cast.org.hz,
                                     cities=["杭州"], start_date=datetime.date(2026, 12, 1),
                                     end_date=datetime.date(2026, 12, 2))
    RideAlong.objects.filter(pk=stuck.pk).update(requested_at=OLD)
    RideAlong.objects.create(trainee=cast.trainee, mentor=cast.mentor, destination_region=cast.org.hz,
                             cities=["宁波"], start_date=datetime.date(2026, 12, 8), end_date=datetime.date(2026, 12, 9))
    question = Question.objects.create(asked_by=cast.trainee, owner=cast.mentor, subject="报销", body="怎么报销？")
    kind = QuestionReport.Kind.choices[0][0]
    pending = QuestionReport.objects.create(question=question, reported_by=cast.trainee, against=cast.mentor,
                                            kind=kind, description="敷衍")
    QuestionReport.objects.create(question=question, reported_by=cast.trainee, against=cast.mentor, kind=kind,
                                  description="早前的", review=QuestionReport.Review.choices[-1][0])

    client.force_login(cast.lead)
    items = {item.url.split("?")[0]: item for item in client.get("/cockpit/").context["waiting"]}
    approvals = next(i for i in items.values() if "stuck=1" in i.url)
    reports = next(i for i in items.values() if "pending=1" in i.url)
    assert approvals.count == 1 and reports.count == 1
    listed_trips = list(client.get(approvals.url).context["page"].object_list)
    assert listed_trips == [stuck]
    assert len(client.get(reverse("mentorship:ride_alongs") + "?state=requested").context["page"].object_list) == 2
    assert list(client.get(reports.url).context["page"].object_list) == [pending]
    assert "仅显示尚未审核的举报" in client.get(reports.url).content.decode()

"""Onboarding forms under arbitrary input: the lead's assignment rule form and invitations. No server error; either one whole rule
(and its assignments) or the form back with its errors in Chinese and nothing saved."""

from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from courses.models import AssignmentRule, CourseAssignment
from lms.models import StaffProfile
from tests.courses.conftest import make_course

from .conftest import FUZZ, assert_form_came_back, assert_redirect_with_message, post, rolled_back
from .test_free_text_forms_fuzz import texts

ids = st.one_of(texts, st.sampled_from(["", "0", "-1", "99999999999999999999", "１", "1.5"]))


def _rules_state():
    return (list(AssignmentRule.objects.values_list("course_id", "region_id", "post_id", "due_days")),
            CourseAssignment.objects.count())


@FUZZ
@given(course=st.one_of(ids, st.just("course"), st.just("course")),
       region=st.one_of(ids, st.sampled_from(["sh", "gz"]), st.just("sh")),
       post_=st.one_of(ids, st.sampled_from(["field", ""])), due_days=st.one_of(ids, st.sampled_from(["", "30", "731"])))
def test_an_assignment_rule_is_added_whole_or_refused_with_a_message(cast, client, course, region, post_, due_days):
    client.force_login(cast.lead)
    with rolled_back():
        real = make_course()
        named = {"course": real.pk, "sh": cast.org.sh.pk, "gz": cast.org.gz.pk, "field": cast.org.field.pk}
        data = {"course": named.get(course, course), "region": named.get(region, region),
                "post": named.get(post_, post_), "due_days": due_days}
        before = _rules_state()
        response = post(client, reverse("courses:assignment_rules"), data)
        if response.status_code == 302:
            event("added")
            (rule,) = AssignmentRule.objects.all()
            assert rule.region == cast.org.sh and rule.course == real and rule.created_by == cast.lead
        else:
            event("refused")
            assert_form_came_back(response)
            assert _rules_state() == before


def _hire(cast, username, email):
    from ..factories import make_person

    user = make_person(username, region=cast.org.sh, post=cast.org.field)
    user.set_unusable_password()
    user.email = email
    user.save()
    return user.profile


@FUZZ
@given(people=st.lists(st.one_of(ids, st.sampled_from(["hire", "no_email", "south", "trainee"])), max_size=4))
def test_invitations_are_sent_whole_or_refused_in_chinese(cast, client, people):
    """Any list of ticked people: every named person invited (one mail each, one record each), or 404 for an id that
    is not one of the lead's people without a password, or the page back with a Chinese message; nothing half-sent."""
    from django.core import mail

    from lms.models import Invitation

    client.force_login(cast.lead)
    with rolled_back():
        mail.outbox = []
        named = {"hire": _hire(cast, "N1", "n1@example.cn").pk, "no_email": _hire(cast, "N2", "").pk,
                 "south": StaffProfile.objects.get(user=cast.other_trainee).pk,
                 "trainee": StaffProfile.objects.get(user=cast.trainee).pk}
        data = {"people": [str(named.get(p, p)) for p in people]}
        response = post(client, reverse("invitations"), data)
        chosen = set(data["people"])
        if response.status_code == 404:
            event("404")
            assert chosen - {str(named["hire"]), str(named["no_email"])}
        elif response.status_code == 302:
            event("sent")
            assert chosen == {str(named["hire"])}
            assert [m.to for m in mail.outbox] == [["n1@example.cn"]] and Invitation.objects.count() == 1
            assert_redirect_with_message(response)
        else:
            event("refused")
            assert response.status_code == 200
            page = response.content.decode()
            assert "请至少选择一位要邀请的人员" in page or "没有邮箱" in page
        if response.status_code != 302:
            assert mail.outbox == [] and not Invitation.objects.exists()

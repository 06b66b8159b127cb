"""Onboarding forms under arbitrary input: the lead's assignment rule form. No server error; either one whole rule
(and its assignments) or the form back with its errors in Chinese and nothing saved."""

from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from courses.models import AssignmentRule, CourseAssignment
from tests.courses.conftest import make_course

from .conftest import FUZZ, assert_form_came_back, post, rolled_back
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

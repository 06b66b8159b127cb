"""Role home pages at /: one section per role, real data, sensible empty states."""

import pytest

from mentorship.models import MentorAssignment


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "who, heading",
    [
        ("trainee", "新员工"),
        ("mentor", "导师"),
        ("lead", "培训负责人"),
        ("supervisor", "培训主管"),
        ("regional_manager", "区域主管经理"),
        ("post_head", "拟任岗位负责人"),
        ("regional_head", "大区负责人"),
        ("editor", "内容编辑"),
    ],
)
def test_it_shows_a_section_for_the_role(client, cast, who, heading):
    html = home(client, getattr(cast, who))
    assert f">{heading}</h2>" in html


def test_it_shows_the_trainee_their_mentor(client, cast):
    html = home(client, cast.trainee)
    assert "我的导师" in html
    assert "王建国" in html


def test_it_shows_the_current_mentor_since_the_start_of_their_assignment(client, cast):
    import datetime

    from django.utils.formats import date_format

    MentorAssignment.objects.filter(trainee=cast.trainee).update(start_date=datetime.date(2019, 1, 1),
                                                                end_date=datetime.date(2020, 1, 31))
    cast.lead.profile.phone = "021-5555-0101"
    cast.lead.profile.save()
    MentorAssignment.objects.create(trainee=cast.trainee, mentor=cast.lead, start_date=datetime.date(2020, 2, 1))
    html = home(client, cast.trainee)
    card = html.split("我的导师")[1].split("</article>")[0]
    assert cast.lead.profile.name in card and "王建国" not in card  # the ended assignment is not the current one
    assert date_format(datetime.date(2020, 2, 1)) in card  # a date as the language shows dates, not ISO text
    assert 'href="tel:021-5555-0101"' in card


def test_it_tells_a_trainee_without_mentor_that_one_will_be_assigned(client, cast):
    MentorAssignment.objects.filter(trainee=cast.trainee).delete()
    html = home(client, cast.trainee)
    assert "尚未为你分配导师" in html


def test_it_lists_the_mentor_trainees_and_no_others(client, cast):
    html = home(client, cast.mentor)
    assert "李明轩" in html
    assert "林嘉怡" not in html


def test_it_shows_an_empty_state_to_a_mentor_without_trainees(client, cast):
    MentorAssignment.objects.filter(mentor=cast.mentor).delete()
    assert "目前没有带教的新员工" in home(client, cast.mentor)


def test_it_gives_the_editor_a_link_to_the_cms(client, cast):
    assert 'href="/cms/"' in home(client, cast.editor)


def test_it_explains_when_an_account_has_no_role(client, cast):
    cast.trainee.role_assignments.all().delete()
    assert "你的账号还没有角色" in home(client, cast.trainee)


def test_it_runs_a_constant_number_of_queries_for_a_mentor(client, cast, django_assert_max_num_queries):
    from tests.factories import make_person

    for i in range(5):
        t = make_person(f"t{i}", role="trainee", region=cast.org.sh, post=cast.org.field)
        MentorAssignment.objects.create(trainee=t, mentor=cast.mentor)
    client.force_login(cast.mentor)
    with django_assert_max_num_queries(12):
        client.get("/")

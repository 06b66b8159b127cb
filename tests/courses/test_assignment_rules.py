"""Assignment rules: the lead says once which course the new hires of a region (and post) get; they get it when the
rule is added and when a roster import brings them in — only within the lead's regions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from courses.assignments import add_assignment_rule, people_reached, retire_assignment_rule
from courses.models import AssignmentRule, CourseAssignment
from courses.services import my_courses
from lms.models import StaffProfile
from lms.roster import apply_plan, plan_import
from tests.factories import make_person

from .conftest import make_course

HEADER = "工号,姓名,区域,上级区域,岗位,入职日期,状态,电话,邮箱,角色\n"


def roster(*rows):
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def assigned(user, course):
    return CourseAssignment.objects.filter(user=user, course=course)


def test_a_new_rule_reaches_the_new_hires_of_its_region_and_post_at_once(cast):
    course = make_course()
    hz_field = make_person("hz_field", region=cast.org.hz, post=cast.org.field)  # on probation, no role yet
    rule, made = add_assignment_rule(by=cast.lead, course=course, region=cast.org.east, post=cast.org.field)
    assert {a.user for a in made} == {cast.trainee, hz_field}
    assert all(a.rule == rule and a.assigned_by == cast.lead for a in made)
    # Not the regular staff of the post (the mentor), not another post, not another region.
    assert not assigned(cast.mentor, course).exists()
    assert not assigned(cast.other_trainee, course).exists()
    assert [p.course for p in my_courses(cast.trainee)] == [course]


def test_a_rule_without_a_post_reaches_every_post(cast):
    course = make_course()
    lobby = make_person("lobby", region=cast.org.sh, post=cast.org.hall)
    _rule, made = add_assignment_rule(by=cast.lead, course=course, region=cast.org.sh)
    assert {a.user for a in made} == {cast.trainee, lobby}


def test_the_due_date_counts_from_the_start_date_or_from_today(cast):
    course = make_course()
    today = datetime.date.today()
    cast.trainee.profile.hire_date = today + datetime.timedelta(days=10)
    cast.trainee.profile.save()
    earlier = make_person("earlier", region=cast.org.sh, post=cast.org.field)
    StaffProfile.objects.filter(user=earlier).update(hire_date=datetime.date(2020, 1, 1))
    add_assignment_rule(by=cast.lead, course=course, region=cast.org.sh, due_days=30)
    assert assigned(cast.trainee, course).get().due_date == today + datetime.timedelta(days=40)
    assert assigned(earlier, course).get().due_date == today + datetime.timedelta(days=30)


def test_someone_who_already_has_the_course_is_not_assigned_it_twice(cast):
    course = make_course()
    CourseAssignment.objects.create(course=course, user=cast.trainee, due_date=datetime.date(2030, 1, 1))
    _rule, made = add_assignment_rule(by=cast.lead, course=course, region=cast.org.sh)
    assert made == [] and assigned(cast.trainee, course).count() == 1


def test_people_imported_later_get_the_courses_of_the_rules_that_reach_them(cast):
    course = make_course()
    add_assignment_rule(by=cast.lead, course=course, region=cast.org.east, post=cast.org.field, due_days=14)
    plan = plan_import(roster("T9401,新人甲,杭州区域,,上门服务工程师,2030-03-01,试用,,,",
                              "T9402,新人乙,杭州区域,,营业厅受理,2030-03-01,试用,,,",
                              "T9403,老员工,杭州区域,,上门服务工程师,2010-03-01,转正,,,"), "r.csv")
    apply_plan(plan, user=cast.lead)
    people = {p.employee_no: p.user for p in StaffProfile.objects.filter(employee_no__startswith="T940")}
    (assignment,) = assigned(people["T9401"], course)
    assert assignment.due_date == datetime.date(2030, 3, 15) and assignment.assigned_by == cast.lead
    assert not assigned(people["T9402"], course).exists()  # another post
    assert not assigned(people["T9403"], course).exists()  # not a new hire


def test_someone_an_import_moves_into_a_rules_region_gets_its_course(cast):
    course = make_course()
    add_assignment_rule(by=cast.other_lead, course=course, region=cast.org.south)
    number = cast.trainee.profile.employee_no
    apply_plan(plan_import(roster(f"{number},李明轩,广州区域,,,,,,,"), "r.csv"), user=None)
    assert assigned(cast.trainee, course).exists()


def test_a_retired_rule_reaches_nobody_new_and_its_assignments_stay(cast):
    course = make_course()
    rule, made = add_assignment_rule(by=cast.lead, course=course, region=cast.org.sh)
    retire_assignment_rule(by=cast.lead, rule=rule)
    apply_plan(plan_import(roster("T9404,新人丙,上海区域,,,,试用,,,"), "r.csv"), user=cast.lead)
    assert not CourseAssignment.objects.filter(user__profile__employee_no="T9404").exists()
    assert assigned(cast.trainee, course).get().rule == rule
    with pytest.raises(ValidationError):
        retire_assignment_rule(by=cast.lead, rule=rule)


def test_the_same_rule_twice_is_refused_and_an_unpublished_course_too(cast):
    course = make_course()
    add_assignment_rule(by=cast.lead, course=course, region=cast.org.sh)
    with pytest.raises(ValidationError):
        add_assignment_rule(by=cast.lead, course=course, region=cast.org.sh)
    draft = make_course(live=False)
    with pytest.raises(ValidationError):
        add_assignment_rule(by=cast.lead, course=draft, region=cast.org.sh)


@pytest.mark.parametrize("who", ["other_lead", "supervisor", "trainee"])
def test_rules_are_set_and_retired_only_by_a_lead_of_the_region(cast, who):
    course = make_course()
    with pytest.raises(PermissionDenied):
        add_assignment_rule(by=getattr(cast, who), course=course, region=cast.org.sh)
    rule, _made = add_assignment_rule(by=cast.lead, course=course, region=cast.org.sh)
    with pytest.raises(PermissionDenied):
        retire_assignment_rule(by=getattr(cast, who), rule=rule)
    assert people_reached(rule).filter(user=cast.trainee).exists()


# --- through the screens -------------------------------------------------------------------------------------


def test_the_lead_adds_a_rule_in_the_app_and_the_trainee_sees_the_course(client, cast):
    course = make_course()
    client.force_login(cast.lead)
    page = client.get(reverse("courses:assignment_rules"))
    assert page.status_code == 200 and "还没有规则" in page.text
    region_choices = {str(r) for r in page.context["form"].fields["region"].queryset}
    assert region_choices == {"华东大区", "上海区域", "杭州区域"}
    response = client.post(reverse("courses:assignment_rules"), {
        "course": course.pk, "region": cast.org.sh.pk, "post": cast.org.field.pk, "due_days": "30"}, follow=True)
    assert "1 名新员工已分配" in response.text and course.title in response.text
    client.force_login(cast.trainee)
    assert course.title in client.get("/").text


def test_a_region_outside_the_leads_scope_is_not_accepted_by_the_form(client, cast):
    client.force_login(cast.lead)
    response = client.post(reverse("courses:assignment_rules"), {"course": make_course().pk,
                                                                 "region": cast.org.gz.pk})
    assert response.status_code == 200 and response.context["form"].errors["region"]
    assert not AssignmentRule.objects.exists()


def test_another_leads_rule_is_a_404_and_not_retired(client, cast):
    rule, _made = add_assignment_rule(by=cast.lead, course=make_course(), region=cast.org.sh)
    client.force_login(cast.other_lead)
    assert client.post(reverse("courses:retire_rule", args=[rule.pk])).status_code == 404
    assert list(client.get(reverse("courses:assignment_rules")).context["page"].object_list) == []
    client.force_login(cast.mentor)
    assert client.post(reverse("courses:retire_rule", args=[rule.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.active


def test_the_lead_retires_a_rule_from_the_list(client, cast):
    rule, _made = add_assignment_rule(by=cast.lead, course=make_course(), region=cast.org.sh)
    client.force_login(cast.lead)
    response = client.post(reverse("courses:retire_rule", args=[rule.pk]), follow=True)
    assert "规则已停用" in response.text
    rule.refresh_from_db()
    assert rule.retired_by == cast.lead and not rule.active


@pytest.mark.parametrize("who", ["trainee", "mentor", "supervisor", "editor"])
def test_only_leads_open_the_rules(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("courses:assignment_rules")).status_code == 403

"""Free-text forms of the 传帮带 screens: no server error; either one whole record or a message and nothing saved."""

from hypothesis import given

from mentorship.models import ConductReport, Guidance, Question

from .conftest import FUZZ, rolled_back
from .test_free_text_forms_fuzz import texts


def _post(client, url, data, model):
    before = model.objects.count()
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:  # the form came back with its errors
        assert 'class="errorlist' in response.content.decode() or "error" in response.content.decode()
        assert model.objects.count() == before
    else:
        assert model.objects.count() == before + 1
    return response


@FUZZ
@given(subject=texts, body=texts)
def test_asking_a_question_saves_it_whole_or_explains(cast, client, subject, body):
    client.force_login(cast.trainee)
    with rolled_back():
        response = _post(client, "/mentorship/questions/ask/",
                         {"owner": cast.mentor.pk, "subject": subject, "body": body}, Question)
        if response.status_code == 302:
            question = Question.objects.latest("pk")
            assert (question.subject, question.body) == (subject.strip(), body.strip())


@FUZZ
@given(topic=texts, notes=texts)
def test_guidance_is_recorded_whole_or_explained(cast, client, topic, notes):
    client.force_login(cast.mentor)
    with rolled_back():
        _post(client, "/mentorship/guidance/new/", {
            "trainee": cast.trainee.pk, "mode": Guidance.Mode.choices[0][0], "topic": topic,
            "date": "2026-11-20", "duration_minutes": "30", "notes": notes,
        }, Guidance)


@FUZZ
@given(description=texts)
def test_a_conduct_report_is_filed_whole_or_explained(cast, client, description):
    client.force_login(cast.trainee)
    with rolled_back():
        _post(client, "/mentorship/conduct/new/",
              {"subject": cast.mentor.pk, "occurred_on": "2026-11-20", "description": description}, ConductReport)


def test_the_forms_above_accept_ordinary_text(cast, client):
    """The fuzz tests' "saved" branch is reachable: plain Chinese input is saved."""
    client.force_login(cast.trainee)
    response = _post(client, "/mentorship/questions/ask/",
                     {"owner": cast.mentor.pk, "subject": "开户流程", "body": "身份证过期怎么办？"}, Question)
    assert response.status_code == 302
    response = _post(client, "/mentorship/conduct/new/",
                     {"subject": cast.mentor.pk, "occurred_on": "2026-11-20", "description": "解答时态度敷衍"},
                     ConductReport)
    assert response.status_code == 302
    client.force_login(cast.mentor)
    response = _post(client, "/mentorship/guidance/new/", {
        "trainee": cast.trainee.pk, "mode": Guidance.Mode.choices[0][0], "topic": "首问负责制",
        "date": "2026-11-20", "duration_minutes": "30", "notes": ""}, Guidance)
    assert response.status_code == 302


@FUZZ
@given(work=texts, life=texts, study=texts)
def test_a_care_check_in_is_recorded_whole_or_explained(cast, client, work, life, study):
    from mentorship.models import CareCheckIn

    client.force_login(cast.mentor)
    with rolled_back():
        _post(client, f"/mentorship/care/{cast.trainee.profile.pk}/",
              {"date": "2026-11-20", "work": work, "life": life, "study": study, "help_given": ""}, CareCheckIn)

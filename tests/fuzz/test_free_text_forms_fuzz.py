"""Free-text forms (certificate reasons and manual issue, essay marking comments, login): no server error, nothing
half-saved."""

from hypothesis import event, given
from hypothesis import strategies as st

from certificates.models import Certificate, CertificateEvent, Program
from certificates.services import issue_manually
from courses.models import AnswerMark

from .conftest import FUZZ, assert_form_came_back, rolled_back

texts = st.one_of(st.text(max_size=40), st.text(min_size=250, max_size=400), st.sampled_from(["", " ", "\x00", "<b>"]))


def _certificate(cast):
    program, _ = Program.objects.get_or_create(code="CS-FUZZ", defaults={"name": "模糊测试认证"})
    return issue_manually(holder=cast.trainee, program=program, by=cast.lead, reason="考核通过")


@FUZZ
@given(reason=texts, action=st.sampled_from(["revoke", "reissue"]))
def test_certificate_reasons_are_saved_whole_or_refused_with_a_message(cast, client, reason, action):
    client.force_login(cast.lead)
    with rolled_back():
        certificate = _certificate(cast)
        events = CertificateEvent.objects.count()
        certificates = Certificate.objects.count()
        response = client.post(f"/certificates/{certificate.pk}/{action}/", {"reason": reason})
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert "error" in response.content.decode()
            certificate.refresh_from_db()
            assert certificate.status == Certificate.Status.VALID
            assert (CertificateEvent.objects.count(), Certificate.objects.count()) == (events, certificates)


@FUZZ
@given(username=texts, password=texts)
def test_the_login_form_never_fails(db, client, username, password):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code in (200, 403, 429)
    assert not response.wsgi_request.user.is_authenticated


@FUZZ
@given(comment=texts, correct=st.sampled_from(["", "true", "false", "maybe"]))
def test_an_essay_mark_is_saved_whole_or_refused(cast, client, comment, correct):
    from tests.courses.conftest import answer_all, make_question, make_quiz
    from courses.models import Question
    from courses.services import finish_attempt, start_attempt

    client.force_login(cast.lead)
    with rolled_back():
        quiz = make_quiz(questions=[make_question(type=Question.Type.ESSAY)])
        attempt, _ = finish_attempt(answer_all(start_attempt(cast.trainee, quiz)))
        answer = attempt.questions.get()
        marks = AnswerMark.objects.count()
        response = client.post(f"/courses/marking/{answer.pk}/", {"correct": correct, "comment": comment})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert AnswerMark.objects.count() == marks


@FUZZ
@given(reason=texts, choose_program=st.booleans())
def test_a_manual_issue_is_saved_whole_or_explained(cast, client, reason, choose_program):
    client.force_login(cast.lead)
    program, _ = Program.objects.get_or_create(code="CS-FUZZ", defaults={"name": "模糊测试认证"})
    with rolled_back():
        before = Certificate.objects.count(), CertificateEvent.objects.count()
        response = client.post(f"/certificates/issue/{cast.trainee.profile.pk}/",
                               {"program": program.pk if choose_program else "", "reason": reason})
        if response.status_code == 302:
            event("saved")
            certificate = Certificate.objects.get(holder=cast.trainee)
            assert (Certificate.objects.count(), CertificateEvent.objects.count()) == (before[0] + 1, before[1] + 1)
            assert (certificate.program, certificate.issue_reason) == (program, reason.strip())
            assert certificate.events.get().reason == reason.strip()
        else:
            event("refused")
            assert_form_came_back(response)
            assert (Certificate.objects.count(), CertificateEvent.objects.count()) == before


def test_a_manual_issue_with_a_plain_reason_is_saved(cast, client):
    """The fuzz test's "saved" branch is reachable."""
    client.force_login(cast.lead)
    program, _ = Program.objects.get_or_create(code="CS-FUZZ", defaults={"name": "模糊测试认证"})
    response = client.post(f"/certificates/issue/{cast.trainee.profile.pk}/",
                           {"program": program.pk, "reason": " 考核通过，补发 "})
    assert response.status_code == 302
    assert Certificate.objects.get(holder=cast.trainee).issue_reason == "考核通过，补发"

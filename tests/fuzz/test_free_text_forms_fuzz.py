"""Free-text forms (certificate reasons, essay marking comments, login): no server error, nothing half-saved."""

from hypothesis import given
from hypothesis import strategies as st

from certificates.models import Certificate, CertificateEvent, Program
from certificates.services import issue_manually
from courses.models import AnswerMark

from .conftest import FUZZ, rolled_back

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

"""E-mail notifications of the 传帮带 module (Chinese; console back end in development).

Each function takes the record that happened, works out who should hear of it
and sends one message per recipient. Called after commit by the services.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def _url(name, *args):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(users, template, context):
    """Render ``mentorship/email/<template>.txt`` (first line is the subject) for each user with an address."""
    sent = 0
    for user in {u.pk: u for u in users}.values():
        if not user.email:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            text = render_to_string(f"mentorship/email/{template}.txt", {**context, "recipient": user})
        subject, _, body = text.strip().partition("\n")
        send_mail(subject.strip(), body.strip() + "\n", None, [user.email])
        sent += 1
    return sent


def trip_waits_for_approval(ride_along):
    """M6: each approver hears that a trip waits for their decision."""
    from .access import approvers_for

    url = _url("mentorship:ride_along", ride_along.pk)
    for approval in ride_along.approvals.all():
        _send(approvers_for(ride_along, approval.kind), "trip_waits",
              {"ride_along": ride_along, "approval": approval, "url": url})


def sign_off_report(sign_off):
    """M9: the sign-off report reaches the training lead and the post head."""
    from .access import post_heads_of, training_leads_of

    trainee = sign_off.ride_along.trainee
    _send([*training_leads_of(trainee), *post_heads_of(trainee)], "sign_off",
          {"sign_off": sign_off, "ride_along": sign_off.ride_along,
           "url": _url("mentorship:ride_along", sign_off.ride_along_id)})


def question_asked(question):
    _send([question.owner], "question_asked", {"question": question, "url": _url("mentorship:question", question.pk)})


def question_overdue(question):
    """M4: the owner and the training lead hear that a question is overdue."""
    from .access import training_leads_of

    _send([question.owner, *training_leads_of(question.asked_by)], "question_overdue",
          {"question": question, "url": _url("mentorship:question", question.pk)})


def accountability_recorded(record):
    """M10 (and M3, M6, M8): the training lead hears of a new accountability record."""
    from .access import training_leads_of

    trainee = record.trainee or record.person
    _send(training_leads_of(trainee), "accountability",
          {"record": record, "url": _url("mentorship:accountability")})


def conduct_reported(report):
    """M5: the managers the report was routed to hear of it."""
    _send(report.recipients.all(), "conduct_report",
          {"report": report, "url": _url("mentorship:conduct_report", report.pk)})

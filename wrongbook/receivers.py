"""Every graded quiz answer (certifying and practice) files its clauses in the 错题本."""

from django.dispatch import receiver

from lms.signals import answers_graded

from .services import file_quiz_answers


@receiver(answers_graded, dispatch_uid="wrongbook.file_quiz_answers")
def _file_quiz_answers(sender, *, user_id, answers, **kwargs):
    file_quiz_answers(user_id=user_id, answers=answers)

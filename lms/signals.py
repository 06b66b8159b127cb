"""Domain events shared between apps.

Apps send these when something happens that other apps react to (for example
certificates re-checking a person's eligibility). Senders pass keyword
arguments only; receivers must accept ``**kwargs``.

- ``course_completed``: ``user``, ``course`` (a ``courses.CoursePage``)
- ``ride_along_signed_off``: ``trainee``, ``ride_along``
- ``skill_assessed``: ``trainee``, ``assessment``
- ``checklist_completed``: ``trainee``
- ``certificates_issued``: ``holders`` (user ids) — certificates inserted together (a bulk issue), which
  send no ``post_save`` of their own
- ``answers_graded``: ``user_id``, ``answers`` (``courses.AttemptQuestion`` rows just graded right or wrong: an
  attempt's answers when it is handed in, an answer when a marker sets it); sent inside the grading transaction
- ``staff_imported``: ``users`` (the accounts a roster import created or changed), ``by`` (the importer or
  None), ``record`` (the ``RosterImport``); sent inside the import's transaction
"""

from django.dispatch import Signal

course_completed = Signal()
ride_along_signed_off = Signal()
skill_assessed = Signal()
checklist_completed = Signal()
certificates_issued = Signal()
answers_graded = Signal()
staff_imported = Signal()

"""Domain events shared between apps.

Apps send these when something happens that other apps react to (for example
certificates re-checking a person's eligibility). Senders pass keyword
arguments only; receivers must accept ``**kwargs``.

- ``course_completed``: ``user``, ``course`` (a ``courses.CoursePage``)
- ``ride_along_signed_off``: ``trainee``, ``ride_along``
- ``skill_assessed``: ``trainee``, ``assessment``
- ``checklist_completed``: ``trainee``
- ``staff_imported``: ``users`` (the accounts a roster import created or changed), ``by`` (the importer or
  None), ``record`` (the ``RosterImport``); sent inside the import's transaction
"""

from django.dispatch import Signal

course_completed = Signal()
ride_along_signed_off = Signal()
skill_assessed = Signal()
checklist_completed = Signal()
staff_imported = Signal()

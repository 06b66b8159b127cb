"""The workflow of a 传帮带 record, written once: which action needs which state, whom and what else.

A model with states lists its ``steps`` (action → ``Step``) and says how to find who a person is for
one record (``parties_for(user)``: mentor, trainee, training lead…). From that one table:

- ``actions_for(user)``: what the person may do now — views pass it to templates, which only display it;
- ``require(user, action)``: what the services call before they write: the wrong person gets
  ``PermissionDenied`` (403), the right person at the wrong time or state ``ValidationError`` with the reason.

Home panels that list many records for a known party call ``available_actions(parties)`` with the parties
already known (no query per record).
"""

from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone


@dataclass(frozen=True)
class Step:
    """One action of a workflow: who takes it (``by``: party names), in which states (``None``: any), and
    an optional further rule ``check(record, today) -> refusal message or None`` (dates, completeness…)."""

    by: frozenset
    states: frozenset | None
    not_yours: str
    wrong_state: str = ""
    check: Callable | None = None


class Parties:
    """Who a person is for one record. Each relation is a bool or a function worked out once, when first asked,
    so a page asks the database only for the relations its record's state makes relevant."""

    def __init__(self, **relations):
        self._relations = relations

    def __contains__(self, name):
        value = self._relations.get(name, False)
        if callable(value):
            value = self._relations[name] = bool(value())
        return value


class Actions(frozenset):
    """The actions a person may take now. Templates read ``actions.start``, code ``Action.START in actions``."""

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return name in self


class WorkflowMixin:
    """Mixed into a model with a ``steps`` table and a ``parties_for(user)`` method."""

    steps: dict = {}
    state_field = "state"

    def parties_for(self, user):  # pragma: no cover - each model defines it
        raise NotImplementedError

    def refusal(self, action, parties, today=None):
        """Why ``parties`` may not take ``action`` now (``PermissionDenied`` or ``ValidationError``), or None."""
        step = self.steps[action]
        if not any(party in parties for party in step.by):
            return PermissionDenied(step.not_yours)
        if step.states is not None and getattr(self, self.state_field) not in step.states:
            return ValidationError(step.wrong_state)
        if step.check is not None:
            message = step.check(self, today or timezone.localdate())
            if message:
                return ValidationError(message)
        return None

    def available_actions(self, parties, today=None):
        today = today or timezone.localdate()
        return Actions(action for action in self.steps if self.refusal(action, parties, today) is None)

    def actions_for(self, user, today=None):
        return self.available_actions(self.parties_for(user), today)

    def require(self, user, action, today=None):
        """The services' check before they write: raises unless ``user`` may take ``action`` now."""
        refusal = self.refusal(action, self.parties_for(user), today)
        if refusal is not None:
            raise refusal


class ConfirmedOnceByTrainee(WorkflowMixin):
    """The workflow of a record its trainee confirms once (guidance, a checklist topic): one action, the trainee's,
    refused once ``confirm_field`` is set. Subclasses name ``confirm_action``, ``confirm_field`` and the two
    messages."""

    confirm_action = "confirm"
    confirm_field = ""
    not_yours = ""
    already = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.confirm_field:
            field = cls.confirm_field
            cls.steps = {cls.confirm_action: Step(
                by=frozenset({"trainee"}), states=None, not_yours=cls.not_yours,
                check=lambda record, today, already=cls.already: already if getattr(record, field) else None)}

    def parties_for(self, user):
        return Parties(trainee=user.pk == self.trainee_id)


@dataclass(frozen=True)
class Badge:
    """How a record's state is shown: its label and a tone (``ok``, ``warn``, ``bad`` or none)."""

    label: str
    tone: str = ""

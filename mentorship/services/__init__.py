"""Write operations of the 传帮带 module, one module per rule group (M1–M13).

Services take keyword arguments, run in a transaction and raise ``ValidationError`` (a rule refuses) or
``PermissionDenied`` (the wrong person). Views only call them and show the message. Where is a rule?

- ``mentors``: M1 mentor assignments
- ``ride_alongs``: M6 request, three-party approval, start, trip recorded as happened
- ``expenses``: M8 expense-filing guidance
- ``sign_off``: M9 the mentor's sign-off and the trainee's confirmation
- ``assessments``: M10 skill assessments and mentor accountability, M13 mentor assessments
- ``checklist``: M7 culture and system topics
- ``questions``: M4 首问负责制, M3 reports of refused or perfunctory answers
- ``guidance``: M2 guidance log
- ``conduct``: M5 conduct reports
- ``care``: M11 care check-ins, M12 handovers

Who may see and do what is in ``mentorship.access``. The names below are the app's service API.
"""

from .mentors import (  # noqa: F401
    assign_mentor,
    current_mentor,
    current_trainees,
)
from .ride_alongs import (  # noqa: F401
    missing_prerequisites,
    overlapping_trip,
    parse_cities,
    propose_focus,
    clean_focus_clauses,
    theory_gate_refusal,
    request_ride_along,
    decide_approval,
    start_ride_along,
    record_trip_happened,
)
from .expenses import (  # noqa: F401
    EXPENSE_GUIDANCE_MIN_CITIES,
    EXPENSE_GUIDANCE_MIN_DAYS,
    EXPENSE_GUIDANCE_MIN_YUAN,
    expense_guidance_owed,
    expense_guidance_owed_on_next_trip,
    record_expense_filing,
    filing_problem_bearer,
    record_filing_problem,
)
from .sign_off import (  # noqa: F401
    sign_off_ride_along,
    confirm_sign_off,
    amend_sign_off,
    signed_off_ride_along_count,
)
from .assessments import (  # noqa: F401
    assess_skill,
    assess_mentor,
    passed_skill_ids,
)
from .checklist import (  # noqa: F401
    checklist_for,
    checklist_complete,
    mark_topic_covered,
    acknowledge_topic,
)
from .questions import (  # noqa: F401
    ask_question,
    answer_question,
    escalate_question,
    accept_answer,
    overdue_working_days,
    add_working_days,
    question_is_overdue,
    overdue_questions,
    flag_overdue_questions,
    report_question,
    review_question_report,
)
from .guidance import (  # noqa: F401
    log_guidance,
    confirm_guidance,
)
from .conduct import (  # noqa: F401
    conduct_report_route,
    file_conduct_report,
)
from .care import (  # noqa: F401
    record_care_check_in,
    record_handover,
)

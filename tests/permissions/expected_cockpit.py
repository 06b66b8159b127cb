"""Expected status codes for the training lead's cockpit."""

from .matrix import Case, expect

LEADS_ONLY = expect(anonymous=302, lead=200, other_lead=200, others=404)

CASES = [
    Case("cockpit:dashboard", expect=LEADS_ONLY),
]

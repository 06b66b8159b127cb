"""Expected status codes for the 错题本 (wrongbook/urls.py).

Everyone signed in has a book of their own (empty for most of the cast); a drill is its learner's alone:
anyone else gets 404. The cohort heat map belongs to training leads.
"""

from .matrix import Case, expect

CASES = [
    Case("wrongbook:book", expect=expect(anonymous=302, others=200)),
    Case("wrongbook:drill_start", expect=expect(anonymous=302, others=405), label="GET"),
    # Nothing is due for anyone in the world: back to the book with a message.
    Case("wrongbook:drill_start", method="POST", expect=expect(others=302), label="POST"),
    Case("wrongbook:drill_item", kwargs=lambda w: {"pk": w.drill.pk, "number": 1},
         expect=expect(anonymous=302, trainee=200, others=404), label="own drill"),
    Case("wrongbook:drill_item", kwargs=lambda w: {"pk": w.drill.pk, "number": 2},
         expect=expect(anonymous=302, others=404), label="no such question"),
    # An empty answer is refused (400) for the learner; the drill is nobody else's (404).
    Case("wrongbook:drill_item", kwargs=lambda w: {"pk": w.drill.pk, "number": 1}, method="POST",
         expect=expect(anonymous=302, trainee=400, others=404), label="POST"),
    # The practice history: one's own; a trainee's for those who see the trainee and others' results (as the person
    # page: their mentor, the supervisor, the post head, the leads over the region), 404 outside the scope.
    Case("wrongbook:history", expect=expect(anonymous=302, others=200)),
    Case("wrongbook:person_history", kwargs=lambda w: {"pk": w.trainee.profile.pk}, label="trainee",
         expect=expect(anonymous=302, trainee=200, mentor=200, supervisor=200, post_head=200, lead=200,
                       regional_head=200, others=404)),
    # The lead's clause × trainee heat map: 403 without the lead's role; each lead sees their own regions' cohort.
    Case("wrongbook:heat_map", expect=expect(anonymous=302, lead=200, other_lead=200, others=403)),
]

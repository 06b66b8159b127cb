"""Wagtail's own URLs, classified as groups: the CMS admin, documents, and page serving under /learn/.

Representative URLs per group; the lesson and quiz pages are checked with the
world's real pages.
"""

from .matrix import Case, expect

EDITOR_ONLY = expect(anonymous=302, editor=200, others=302)
LOGGED_IN_OK = expect(anonymous=302, others=200)



CASES = [
    Case("wagtail-admin", path=lambda w: "/cms/", expect=EDITOR_ONLY, label="dashboard"),
    Case("wagtail-admin", path=lambda w: "/cms/pages/", expect=EDITOR_ONLY, label="explorer"),
    Case("wagtail-admin", path=lambda w: f"/cms/pages/{w.lesson.pk}/edit/", expect=EDITOR_ONLY, label="edit lesson"),
    Case("wagtail-documents", path=lambda w: "/documents/999999/missing.pdf", expect=expect(others=404),
         label="missing"),
    Case("wagtail-pages", path=lambda w: w.training.url, expect=LOGGED_IN_OK, label="training home"),
    Case("wagtail-pages", path=lambda w: w.course.url, expect=LOGGED_IN_OK, label="course"),
    Case("wagtail-pages", path=lambda w: w.lesson.url, expect=LOGGED_IN_OK, label="lesson"),
    Case("wagtail-pages", path=lambda w: w.quiz.url, expect=LOGGED_IN_OK, label="quiz"),
]

"""QuickSelect writes the same HTML as Django's template-rendered Select."""

from django import forms

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from lms.widgets import QuickSelect

# A lazy label, a safe one, one to escape, a group, and a value offered twice (only its first option is selected).
CHOICES = [("", gettext_lazy("All mentors")), (1, "李明轩"), (2, 'A & "B" <c>'), ("组", [(3, "王芳"), (4, "赵磊")]),
           (5, mark_safe("<b>张伟</b>")), (None, "无"), (1, "李明轩（重名）")]


def test_it_renders_like_the_django_select():
    attrs = {"id": "id_mentor", "required": True, "disabled": False, "data-x": "1'2"}
    for value in ("", 1, 2, "4", 5, None):
        expected = forms.Select(choices=CHOICES).render("mentor", value, attrs=attrs)
        assert QuickSelect(choices=CHOICES).render("mentor", value, attrs=attrs) == expected

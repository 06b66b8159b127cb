"""QuickSelect writes the same HTML as Django's template-rendered Select."""

from django import forms

from lms.widgets import QuickSelect

CHOICES = [("", "全部导师"), (1, "李明轩"), (2, 'A & "B" <c>'), ("组", [(3, "王芳"), (4, "赵磊")])]


def test_it_renders_like_the_django_select():
    attrs = {"id": "id_mentor", "required": True, "disabled": False, "data-x": "1'2"}
    for value in ("", 2, "4", None):
        expected = forms.Select(choices=CHOICES).render("mentor", value, attrs=attrs)
        assert QuickSelect(choices=CHOICES).render("mentor", value, attrs=attrs) == expected

"""Form widgets shared by the apps."""

import html

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs):
    """What ``django/forms/widgets/attrs.html`` writes for ``attrs``."""
    return mark_safe("".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False
    ))


class QuickSelect(forms.Select):
    """A ``Select`` written in Python: the same HTML as Django's templates, without one template render per option.

    Filter forms list every mentor of a region (hundreds); rendering each option
    through the template engine cost more than the rest of the page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Django's ``optgroups`` and ``create_option`` make a dict of attributes per option; writing the options
        # straight from the choices keeps the same HTML (tests/lms/test_widgets.py) at a fraction of the cost.
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [format_html('<select name="{}"{}>', name, _attrs(attrs))]
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, options = option_value, option_label
            else:
                group_name, options = None, [(option_value, option_label)]
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for sub_value, sub_label in options:
                selected = (not has_selected or self.allow_multiple_selected) and str(sub_value) in chosen
                has_selected |= selected
                # Django's option template ends with a newline: each option is followed by an empty line.
                parts.append(_OPTION % (html.escape(str(sub_value)), " selected" if selected else "",
                                        _escape(sub_label)))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


_OPTION = '\n  <option value="%s"%s>%s</option>\n'


def _escape(text):
    """``conditional_escape`` without its lazy-string wrapper (a filter lists hundreds of options)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))

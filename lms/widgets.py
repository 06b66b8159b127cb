"""Form widgets shared by the apps."""

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
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                # Django's option template ends with a newline: each option is followed by an empty line.
                parts.append(format_html('\n  <option value="{}"{}>{}</option>\n',
                                         str(option["value"]), _attrs(option["attrs"]), option["label"]))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))

"""``fill_rules``: the organisation's values in place of ``[[rule]]`` tokens in rendered lesson HTML."""

from django import template

from courses.site_rules import fill_html

register = template.Library()


@register.filter(is_safe=True)
def fill_rules(html, rules):
    """``{% filter fill_rules:site_rules %}…{% endfilter %}`` around blocks of any type."""
    return fill_html(html, rules)

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in ("", None):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def percent(value, total):
    """``value`` as a whole percentage of ``total`` (0 when total is 0)."""
    try:
        return round(100 * value / total) if total else 0
    except (TypeError, ZeroDivisionError):
        return 0


@register.filter
def minutes(duration):
    """A ``timedelta`` in whole minutes (django-axes gives the lockout's cool-off as one)."""
    try:
        return int(duration.total_seconds() // 60)
    except AttributeError:
        return ""

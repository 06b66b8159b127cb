"""Serving the page tree (``/learn/``) with one query for the page instead of two per level.

Wagtail routes a URL by walking the tree from the site's root: at every level one query for the child with that
slug and one for its specific row, then two more for view restrictions (the ancestors, then their restrictions) —
nine queries for a lesson three levels down. Here a URL is resolved to its specific page in **one** query:

- ``Page.url_path`` (which Wagtail keeps up to date on every save, slug change and move, and uses itself to build
  page URLs) names each page's place in the tree. A process-local map remembers which page (id and type) was last
  found at a URL path; the page is then read by id from its own table, and the same query says whether any view
  restriction or alias lies on it or above it.
- Every hit is checked against the row it reads: the page must still be at that URL path. A page moved away, renamed,
  deleted or replaced is not trusted; the URL is resolved afresh (``url_path`` lookup, then Wagtail's own walk when
  nothing is found there), so the map never needs to be told about changes and stays right in every process at
  once: a moved page is found at its new URL at once, and the old URL gives 404.
- The page's own ``route()`` decides the rest, exactly as at the end of Wagtail's walk (an unpublished page is 404).
- When the page or a page above it carries a view restriction (or is an alias), Wagtail's own check runs as always;
  when none does, that check is told so and makes no query.

Anything this does not recognise (several sites' roots overlapping, translations, sub-page routes of a routable page)
falls back to Wagtail's ``Page.route_for_request``.
"""

import threading

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from django.http import Http404
from django.urls import re_path
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.urls import urlpatterns as wagtail_urlpatterns

from .prepared import Prepared

MAX_PATHS = 20_000


class PathMap:
    """URL path → (page id, content type id): a hint, trusted only once the row it names is read back."""

    def __init__(self, limit=MAX_PATHS):
        self.limit = limit
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, key):
        return self._entries.get(key)

    def remember(self, key, value):
        with self._lock:
            if len(self._entries) >= self.limit:
                self._entries.clear()
            self._entries[key] = value

    def forget(self, key):
        self._entries.pop(key, None)

    def clear(self):
        self._entries.clear()


paths = PathMap()


def _above_or_self(model):
    """Rows of ``model`` (Page or PageViewRestriction's page) on the outer page or any page above it."""
    prefix = "path" if model is Page else "page__path"
    return model.objects.filter(StartsWith(OuterRef("path"), F(prefix)))


def _page_with_its_restrictions(*, model, page_id):
    return model._default_manager.annotate(
        _restricted=Exists(_above_or_self(PageViewRestriction)),
        _aliased=Exists(_above_or_self(Page).filter(alias_of__isnull=False)),
    ).filter(pk=page_id)


_prepared_page = Prepared(_page_with_its_restrictions)


def _read(content_type_id, page_id):
    """The specific page, with whether any view restriction or alias lies on it or above it (one query, compiled
    once per page type: ``lms.prepared``)."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return None
    rows = _prepared_page.read({"model": model}, page_id=page_id)
    return rows[0] if rows else None


def find_page(site, path):
    """The specific page at ``path`` below ``site``'s root, or None when none is there (or it cannot be told)."""
    wanted = site.root_page.url_path + path
    key = (site.pk, wanted)
    hint = paths.get(key)
    if hint is not None:
        page = _read(*hint)
        if page is not None and page.url_path == wanted:
            return page
        paths.forget(key)
    rows = list(Page.objects.filter(url_path=wanted).values_list("content_type_id", "pk")[:2])
    if len(rows) != 1:
        return None
    page = _read(*rows[0])
    if page is None or page.url_path != wanted:
        return None
    paths.remember(key, rows[0])
    return page


def route(request, path):
    """Wagtail's ``RouteResult`` for ``path`` (or None for 404), resolved with ``find_page`` where it can be."""
    site = Site.find_for_request(request)
    if site is None or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return Page.route_for_request(request, path)
    page = find_page(site, "/".join(part for part in path.split("/") if part) + ("/" if path.strip("/") else ""))
    if page is None:
        return Page.route_for_request(request, path)
    if not page._restricted and not page._aliased:
        # Wagtail's check_view_restrictions hook asks the page; nothing lies on it or above it.
        page.get_view_restrictions = PageViewRestriction.objects.none
    try:
        return page.route(request, [])
    except Http404:
        return None


def serve(request, path):
    """Wagtail's ``serve`` view (hooks, restrictions, the page's ``serve()``) with the route found by ``route``."""
    if not hasattr(request, "_wagtail_route_for_request"):
        request._wagtail_route_for_request = route(request, path)
    return wagtail_views.serve(request, path)


# Wagtail's front-end URLs with this ``serve`` in place of its own (same names, so page URLs reverse as before).
urlpatterns = [
    *(p for p in wagtail_urlpatterns if getattr(p, "name", None) != "wagtail_serve"),
    re_path(next(p.pattern.regex.pattern for p in wagtail_urlpatterns if getattr(p, "name", None) == "wagtail_serve"),
            serve, name="wagtail_serve"),
]

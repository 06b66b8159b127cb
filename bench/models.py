"""The bare Wagtail page: the benchmark's second floor (installed by ``bench.settings`` only, never by the product).

A plain ``Page`` subclass with a one-line template, placed in the training tree at a lesson's depth, so a learner
page's ratio to it is what that page costs beyond being a Wagtail page in that tree (routing, view restrictions,
the site frame).
"""

from wagtail.models import Page


class BarePage(Page):
    template = "bench/bare_page.html"

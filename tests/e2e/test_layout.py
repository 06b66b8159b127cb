"""Layout defects of 16.7 at phone and desktop sizes: cards that are lists keep their inner padding; the person
page's certificate table and the learner's quiz attempts do not widen the page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HOLDER = """
from certificates.models import Certificate

result = Certificate.objects.filter(status="valid").values_list("holder__profile__pk", flat=True).first()
"""


def _no_sideways_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


def test_the_person_page_with_certificates_fits_the_screen(page, site, login, step):
    holder = site.orm(HOLDER)
    login("demo-lead")
    page.goto(f"/people/{holder}/")
    expect(page.locator(".person-section table").first).to_be_visible()
    step("person-with-certificate")
    _no_sideways_scroll(page)


def test_my_quiz_attempts_fit_the_screen(page, login, step):
    login("demo-trainee")
    page.goto("/courses/attempts/?mine=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("测验作答记录")
    step("my-attempts")
    _no_sideways_scroll(page)


def test_a_card_that_is_a_list_has_inner_padding(page, login, step):
    login("demo-mentor")
    page.goto("/mentorship/ride-alongs/")
    card = page.locator("ul.list.card").first
    expect(card).to_be_visible()
    step("list-card")
    padding = card.evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)")
    assert padding >= 12

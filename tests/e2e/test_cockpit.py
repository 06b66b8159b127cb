"""The lead's cockpit at phone and desktop sizes (16.4): a headline tile opens exactly the people it counts,
chart text is at least 12 px, and the matrix keeps the trainee column in place while scrolling sideways."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHART_TEXT_PX = """() => [...document.querySelectorAll('.charts svg text')].map(t => {
  const m = t.ownerSVGElement.getScreenCTM();
  return parseFloat(getComputedStyle(t).fontSize) * m.a;
})"""


def test_the_lead_clicks_a_headline_tile_and_lands_on_those_people(page, login, step):
    login("demo-lead")
    page.goto("/cockpit/")
    tile = page.locator(".figure").filter(has_text="新员工").first
    count = int(tile.locator(".figure-value").inner_text())
    assert count > 0
    step("dashboard")
    tile.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("进度矩阵")
    expect(page.get_by_text("仅显示：新员工")).to_be_visible()
    rows = page.locator("table.matrix tbody tr")
    expect(rows).to_have_count(min(count, 25))
    step("those-people")

    page.goto("/cockpit/")
    overdue = page.locator(".figure").filter(has_text="已逾期").first
    n = int(overdue.locator(".figure-value").inner_text())
    overdue.locator("a").click()
    expect(page.get_by_text("仅显示：已逾期")).to_be_visible()
    expect(page.locator("table.matrix tbody tr")).to_have_count(min(n, 25))


def test_chart_text_is_readable(page, login, step):
    login("demo-lead")
    page.goto("/cockpit/")
    expect(page.locator(".charts svg").first).to_be_visible()
    step("charts")
    sizes = page.evaluate(CHART_TEXT_PX)
    assert sizes and min(sizes) >= 12, sizes
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]


def test_the_matrix_keeps_the_trainee_column_while_scrolling_sideways(page, site, login, step):
    login("demo-lead")
    page.goto("/cockpit/matrix/")
    name = page.locator("table.matrix tbody th.sticky-col").first
    expect(name).to_be_visible()
    before = name.bounding_box()["x"]
    scroller = page.locator(".table-wrap").first
    scrollable = scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    scroller.evaluate("e => e.scrollLeft = e.scrollWidth")
    step("scrolled")
    assert abs(name.bounding_box()["x"] - before) < 1
    if site.viewport == "desktop":
        # The matrix uses the page's width, not the 1080 px column of the other pages.
        assert page.locator(".table-wrap").first.bounding_box()["width"] > 1100 or not scrollable
    assert re.search(r"/cockpit/matrix/", page.url)

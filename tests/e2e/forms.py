"""Forms the browser journeys fill the same way, written once."""

import datetime
import re

from playwright.sync_api import expect


def request_ride_along(page, step, *, region, city, start, days, purpose, shot):
    """Fill the ride-along request's destination, dates (``start`` to ``days`` later) and purpose on the open
    request form, take the ``shot`` screenshot step, submit, and return the new trip's id from the page it lands on."""
    page.get_by_label("目的区域").select_option(str(region))
    page.get_by_label("城市").fill(city)
    page.get_by_label("开始日期").fill(start.isoformat())
    page.get_by_label("结束日期").fill((start + datetime.timedelta(days=days)).isoformat())
    page.get_by_label("目的", exact=True).fill(purpose)
    step(shot)
    page.get_by_role("button", name="提交申请").click()
    expect(page).to_have_url(re.compile(r"/mentorship/ride-alongs/\d+/$"))
    return int(re.search(r"/ride-alongs/(\d+)/", page.url).group(1))

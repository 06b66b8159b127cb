"""A crawl of the site as each demo role on a phone (16, done-when): every link from the home page followed to
depth 3 gives no server error, no page wider than the 390 px screen, and no English UI text on a Chinese page
outside a small allow-list.

Links that change state (logout), downloads (PDF, spreadsheets) and the CMS (Wagtail's own admin) are not
followed; pages of one shape (``/people/12/`` and ``/people/13/``) are visited once, so the crawl stays minutes.
"""

import re
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.e2e

ROLES = ["demo-trainee", "demo-mentor", "demo-lead", "demo-supervisor", "demo-regional-manager", "demo-post-head",
         "demo-regional-head", "demo-editor"]
DEPTH = 3
SKIP = re.compile(r"^/(cms|documents|accounts/logout|i18n|static|media)/|\.(pdf|xlsx|csv|zip|png|svg)(\?|$)|/pdf/")
# English that may stand on a Chinese page: file formats, product names and the site's own codes.
ALLOWED = {"Excel", "CSV", "PDF", "Wagtail", "Email", "E-mail", "QR"}
# Two or more English words in a row is a sentence or label left untranslated (single words are codes and names).
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ \-][A-Za-z][a-z]+)+\b")
# Content, not UI: lesson text may quote English phrases for foreign customers; codes and names are data.
VISIBLE_TEXT = """() => {
  const root = document.body.cloneNode(true);
  root.querySelectorAll('script, style, code, .lesson-body, [lang="en"], select, .lang-switch').forEach(e => e.remove());
  return root.innerText;
}"""
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"


def _shape(path):
    return re.sub(r"\d+", "N", path)


def _english(text):
    return sorted({m for m in ENGLISH.findall(text) if m not in ALLOWED and not re.search(r"demo-|[A-Z]{2,}", m)})


@pytest.mark.parametrize("site", ["phone"], indirect=True)  # the crawl checks the 390 px phone screen only
def test_every_role_crawls_without_errors_overflow_or_english(page, site, login):
    assert site.viewport == "phone"
    problems = []
    for role in ROLES:
        page.context.clear_cookies()
        login(role)
        seen, frontier = set(), [("/", 0)]
        while frontier:
            path, depth = frontier.pop(0)
            if _shape(path) in seen:
                continue
            seen.add(_shape(path))
            try:
                response = page.goto(path)
            except PlaywrightError as error:  # a download (a file behind a plain link) is not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None:
                continue
            if response.status >= 500:
                problems.append((role, path, f"HTTP {response.status}"))
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                problems.append((role, path, f"{width[0]} px wide"))
            if page.evaluate("() => document.documentElement.lang") == "zh-hans":
                english = _english(page.evaluate(VISIBLE_TEXT))
                if english:
                    problems.append((role, path, "English: " + ", ".join(english[:8])))
            if depth >= DEPTH:
                continue
            for href in page.evaluate(LINKS):
                url = urlparse(urljoin(site.url + path, href))
                if url.netloc != urlparse(site.url).netloc or not url.path:
                    continue
                target = url.path + (f"?{url.query}" if url.query else "")
                if not SKIP.search(target) and _shape(target) not in seen:
                    frontier.append((target, depth + 1))
    assert problems == [], "\n".join(" · ".join(p) for p in problems)

"""Words (issue 16.6): one Chinese term per concept on every screen, no collisions between catalogs, Wagtail's
admin strings not overridden by ours, and no internal rule ids or course codes for trainees and mentors."""

import re
from pathlib import Path

import django
import polib
import pytest
import wagtail
from django.utils import translation
from django.utils.translation import gettext, pgettext

ROOT = Path(__file__).resolve().parents[2]
OURS = [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po", *sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))]
THEIRS = [*Path(wagtail.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"),
          *Path(django.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")]

# Words of ours that differ from Wagtail's/Django's on purpose: same meaning, a better or our glossary's word
# (e.g. 退出登录 for "Log out"). Anything else that differs must carry a pgettext context in our code.
DELIBERATE = {"name", "Page not found", "Log out", "Filters", "Filter", "Action", "Actions", "Changes", "All", "description",
              "Description", "active", "requested by", "Error", "Text", "Reject", "Rejected"}

# The glossary (DOMAIN.md "Words"): the Chinese a screen must not use, and the term to use instead.
NOT_OUR_WORDS = {"跟岗": "老带新出行 / 出行", "签收报告": "导师签认", "辅导记录": "指导记录", "题目": "试题",
                 "学员总览": "新员工总览"}


def _entries(paths):
    for path in paths:
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.msgstr:
                yield path, entry


def test_no_english_message_means_two_things_across_our_catalogs():
    seen, collisions = {}, []
    for path, entry in _entries(OURS):
        key = (entry.msgctxt, entry.msgid)
        if key in seen and seen[key][1] != entry.msgstr:
            collisions.append((entry.msgid, seen[key], (path.parts[-5], entry.msgstr)))
        seen.setdefault(key, (path.parts[-5], entry.msgstr))
    assert collisions == [], "give one of them a pgettext context, or use one Chinese word"


def test_our_catalogs_do_not_change_wagtails_words_without_a_context():
    theirs = {}
    for _, entry in _entries(THEIRS):
        theirs.setdefault((entry.msgctxt, entry.msgid), set()).add(entry.msgstr)
    changed = sorted({e.msgid for _, e in _entries(OURS) if e.msgctxt is None and e.msgid not in DELIBERATE
                      and e.msgstr not in theirs.get((None, e.msgid), {e.msgstr})})
    assert changed == []


@pytest.mark.parametrize(("context", "english", "chinese"), [
    (None, "Pages", "页面"),
    (None, "Reports", "报告"),
    ("pagination", "Previous", "上一页"),
    ("quiz", "Previous", "上一题"),
    ("trainee question", "Questions", "提问"),
    ("conduct", "Reports", "举报"),
    (None, "Questions", "试题"),
])
def test_one_english_word_with_two_meanings_reads_right_in_each_place(context, english, chinese):
    with translation.override("zh-hans"):
        assert (pgettext(context, english) if context else gettext(english)) == chinese


def test_the_wagtail_sidebar_says_pages_and_reports(client, db):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    html = client.get("/cms/").content.decode("unicode_escape")  # the sidebar's labels are JSON in the page
    assert '"页面"' in html and '"报告"' in html
    assert '"分页"' not in html and '"举报"' not in html


def test_the_catalogs_use_the_glossary_terms():
    wrong = [(e.msgid, e.msgstr, bad) for _, e in _entries(OURS) for bad in NOT_OUR_WORDS if bad in e.msgstr]
    assert wrong == []


RULE_ID = re.compile(r"\bM(?:[1-9]|1[0-3])\b")


def test_trainee_and_mentor_pages_show_no_rule_ids(client, cast):
    from mentorship.models import Question

    question = Question.objects.create(asked_by=cast.trainee, owner=cast.mentor, subject="工牌", body="怎么戴？")
    pages = {
        cast.trainee: ["/", "/mentorship/questions/", f"/mentorship/questions/{question.pk}/",
                       "/mentorship/questions/ask/", "/mentorship/conduct/new/", "/mentorship/checklist/"],
        cast.mentor: ["/", "/mentorship/ride-alongs/new/", f"/mentorship/care/{cast.trainee.profile.pk}/",
                      f"/mentorship/questions/{question.pk}/", "/mentorship/guidance/"],
    }
    found = []
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            text = re.sub(r"<[^>]+>", " ", response.content.decode())  # visible text, not ids or tooltips
            found += [(user.username, url, m) for m in RULE_ID.findall(text)]
    assert found == []

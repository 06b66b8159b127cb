"""Chinese first, English available; the catalog is complete and its placeholders match."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
# The core's catalog and one per domain app (see scripts/messages.sh).
CATALOGS = [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po", *sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))]


def test_it_switches_to_english_and_back(client, cast):
    client.force_login(cast.trainee)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "My mentor" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "我的导师" in client.get("/").content.decode()


def test_it_stays_chinese_for_an_english_browser(client, cast):
    client.force_login(cast.trainee)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "我的导师" in html


def _entries():
    return [e for po in CATALOGS for e in polib.pofile(str(po)) if not e.obsolete]


def test_each_domain_app_has_its_own_catalog():
    assert {p.parts[-5] for p in CATALOGS[1:]} >= {"courses", "mentorship", "certificates"}


def test_it_has_a_chinese_translation_for_every_message():
    missing = [e.msgid for e in _entries() if not e.translated() or "fuzzy" in e.flags]
    assert missing == []


def test_it_keeps_the_placeholders_of_each_message():
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")
    wrong = []
    for entry in _entries():
        expected = sorted(set(pattern.findall(entry.msgid)))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and sorted(set(pattern.findall(text))) != expected:
                wrong.append((entry.msgid, text))
    assert wrong == []

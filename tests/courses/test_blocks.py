"""Lesson bodies: clause, model phrases, callout, image with alt text, document."""

import json

from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from courses.models import LessonPage

from .conftest import make_course


def test_every_block_renders_on_the_lesson_page(client, learner):
    image = Image.objects.create(title="工牌", file=get_test_image_file())
    document = Document.objects.create(title="服务规范全文", file=ContentFile(b"pdf", name="rules.pdf"))
    course = make_course()
    body = [
        {"type": "rich_text", "value": "<p>引言</p>"},
        {"type": "clause", "value": {"clause_id": "WIN-05", "title": "首问负责", "rule": "第一位被询问的人负责到底",
                                     "do": ["主动引导"], "dont": ["说“不归我管”"]}},
        {"type": "phrases", "value": {"situation": "客户着急", "say": ["请您稍等，我马上为您办理"],
                                      "never_say": ["急什么"]}},
        {"type": "callout", "value": {"kind": "warning", "text": "不得推诿"}},
        {"type": "image", "value": {"image": image.pk, "alt": "佩戴工牌的员工", "caption": "工牌位置"}},
        {"type": "document", "value": document.pk},
    ]
    lesson = LessonPage(title="首问负责制", body=json.dumps(body))
    course.add_child(instance=lesson)
    client.force_login(learner)
    page = client.get(lesson.url).text
    for text in ["WIN-05", "主动引导", "说“不归我管”", "请您稍等，我马上为您办理", "急什么", "callout-warning",
                 'alt="佩戴工牌的员工"', "工牌位置", "服务规范全文", "标记为已学习"]:
        assert text in page, text
    assert lesson.clause_ids() == ["WIN-05"]


def test_rule_tokens_show_the_organisations_value_in_every_block_and_follow_a_change_at_once(client, learner):
    from courses.models import SiteRules

    image = Image.objects.create(title="到岗", file=get_test_image_file())
    document = Document.objects.create(title="提前 [[arrive_early_minutes]] 分钟到岗须知",
                                       file=ContentFile(b"pdf", name="arrive.pdf"))
    course = make_course()
    minutes = "[[arrive_early_minutes]]"
    body = [
        {"type": "rich_text", "value": f"<p>正文：提前 {minutes} 分钟</p>"},
        {"type": "clause", "value": {"clause_id": "WIN-10", "title": f"标题：提前 {minutes} 分钟",
                                     "rule": f"条款：提前 {minutes} 分钟", "do": [f"要做：提前 {minutes} 分钟"],
                                     "dont": [f"不做：晚于 {minutes} 分钟"]}},
        {"type": "phrases", "value": {"situation": f"情境：铃响 [[answer_within_rings]] 声",
                                      "say": [f"话术：提前 {minutes} 分钟"], "never_say": [f"禁语：{minutes} 分钟"]}},
        {"type": "callout", "value": {"kind": "tip", "text": f"提示：提前 {minutes} 分钟"}},
        {"type": "image", "value": {"image": image.pk, "alt": f"替代：{minutes} 分钟", "caption": f"图注：{minutes} 分钟"}},
        {"type": "document", "value": document.pk},
    ]
    lesson = LessonPage(title="准时到岗", body=json.dumps(body))
    course.add_child(instance=lesson)
    client.force_login(learner)

    def shown(page):
        return [label for label in ("正文", "标题", "条款", "要做", "不做", "话术", "禁语", "提示", "替代", "图注")
                if f"{label}：" in page]

    page = client.get(lesson.url).text
    assert "[[" not in page
    assert len(shown(page)) == 10
    for label in shown(page):
        assert f"{label}：提前 10 分钟" in page or f"{label}：10 分钟" in page or f"{label}：晚于 10 分钟" in page, label
    assert "情境：铃响 3 声" in page and "提前 10 分钟到岗须知" in page

    setting = SiteRules.load()
    setting.arrive_early_minutes = 15
    setting.save()
    page = client.get(lesson.url).text
    assert "提前 15 分钟" in page and "提前 10 分钟" not in page and "[[" not in page

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

"""The seed catalogues of the 传帮带 module: skills (M9, M10) and culture and system topics (M7).

Used by the data migration (with historical models) and by demo data and tests
(``ensure_catalogues()``), so an emptied database gets them back.
"""

SKILLS = [
    # name, kind
    ("上门服务流程", "service_type"),
    ("装机培训", "service_type"),
    ("售后问题分析", "service_type"),
    ("整板阳性率偏高之类通用问题处理", "general"),
]

TOPICS = {
    "company": [
        "公司组织架构与部门设置",
        "人事制度与晋升通道",
        "薪酬结构",
        "社会保险",
        "福利与休假",
        "OEC 考核",
        "保密制度（含薪酬保密）",
        "其他规章：宿舍、班车、食堂、禁烟、停车",
        "销售组织",
        "研发组织",
    ],
    "department": [
        "部门层级与汇报对象：什么问题找谁",
        "OEC 报告规则",
        "差旅制度：交通与住宿标准、出差报告格式、每日短信汇报、订票、宿舍与租房",
        "现场满意度调查表与装机验收单",
        "财务制度：发票、住宿与交通限额、报销期限、借款、审计",
        "邮箱使用规则",
        "客户管理系统使用规则",
        "考勤制度",
    ],
}


def seed(Skill, ChecklistTopic):
    """Create the seed skills and topics that are missing (idempotent)."""
    for name, kind in SKILLS:
        Skill.objects.get_or_create(name=name, defaults={"kind": kind})
    for section, titles in TOPICS.items():
        for order, title in enumerate(titles, start=1):
            ChecklistTopic.objects.get_or_create(section=section, title=title, defaults={"order": order})


def ensure_catalogues():
    from .models import ChecklistTopic, Skill

    seed(Skill, ChecklistTopic)

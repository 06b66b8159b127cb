"""Demo organisation and one account per role (password ``demo1234``).

Idempotent: people are matched by username, so running it again updates
nothing that is already there and creates nothing twice.
"""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from .models import Post, Region, StaffProfile
from .roles import Role
from .services import assign_role, create_staff

DEMO_PASSWORD = "demo1234"

REGIONS = [
    # code, name, parent code
    ("east", "华东大区", None),
    ("sh", "上海区域", "east"),
    ("hz", "杭州区域", "east"),
    ("south", "华南大区", None),
    ("gz", "广州区域", "south"),
]

POSTS = [
    ("lobby", "大堂经理"),
    ("counter", "柜面服务"),
    ("hall", "营业厅受理"),
    ("field", "上门服务工程师"),
    ("hotline", "热线客服"),
]

# username, employee_no, name, region, post, status, hire date, roles [(role, region, post)]
PEOPLE = [
    ("demo-trainee", "T2026001", "李明轩", "sh", "field", "probation", "2026-09-01", [(Role.TRAINEE, None, None)]),
    ("demo-mentor", "E1001", "王建国", "sh", "field", "regular", "2015-03-16", [(Role.MENTOR, None, None)]),
    ("demo-lead", "E1002", "陈静", "east", "counter", "regular", "2012-07-01", [(Role.TRAINING_LEAD, "east", None)]),
    ("demo-supervisor", "E1003", "赵海燕", "east", "counter", "regular", "2013-05-20",
     [(Role.TRAINING_SUPERVISOR, "east", None)]),
    ("demo-regional-manager", "E1004", "周伟", "hz", "field", "regular", "2011-11-11",
     [(Role.REGIONAL_MANAGER, "hz", None)]),
    ("demo-post-head", "E1005", "孙丽", "sh", "field", "regular", "2010-04-01", [(Role.POST_HEAD, None, "field")]),
    ("demo-regional-head", "E1006", "吴刚", "east", "field", "regular", "2009-08-15",
     [(Role.REGIONAL_HEAD, "east", None)]),
    ("demo-editor", "E1007", "郑晓", "sh", "counter", "regular", "2016-02-29", [(Role.CONTENT_EDITOR, None, None)]),
    # A few more people so lists and scopes are not trivially small.
    ("zhang.yuxuan", "T2026002", "张雨萱", "sh", "lobby", "probation", "2026-09-01", [(Role.TRAINEE, None, None)]),
    ("liu.zihan", "T2026003", "刘子涵", "hz", "hall", "probation", "2026-09-15", [(Role.TRAINEE, None, None)]),
    ("huang.siyuan", "T2026004", "黄思远", "hz", "field", "probation", "2026-10-08", [(Role.TRAINEE, None, None)]),
    ("lin.jiayi", "T2026005", "林嘉怡", "gz", "hotline", "probation", "2026-10-08", [(Role.TRAINEE, None, None)]),
    ("he.zhiqiang", "E1011", "何志强", "hz", "hall", "regular", "2017-06-01", [(Role.MENTOR, None, None)]),
    ("ma.xiaodong", "E1012", "马晓东", "gz", "hotline", "regular", "2018-01-08", [(Role.MENTOR, None, None)]),
    ("guo.qian", "E1013", "郭倩", "south", "hotline", "regular", "2014-09-09", [(Role.TRAINING_LEAD, "south", None)]),
    # Mentors of the demo cohort (cockpit.demo): three in each region, and the approvers of the south's trips.
    ("gao.wenbo", "E1021", "高文博", "sh", "field", "regular", "2016-05-03", [(Role.MENTOR, None, None)]),
    ("xu.lihua", "E1022", "徐丽华", "sh", "counter", "regular", "2017-03-20", [(Role.MENTOR, None, None)]),
    ("cao.yang", "E1023", "曹阳", "hz", "field", "regular", "2015-10-12", [(Role.MENTOR, None, None)]),
    ("peng.jing", "E1024", "彭静", "hz", "lobby", "regular", "2018-04-02", [(Role.MENTOR, None, None)]),
    ("liang.hui", "E1025", "梁辉", "gz", "field", "regular", "2016-08-08", [(Role.MENTOR, None, None)]),
    ("deng.min", "E1026", "邓敏", "gz", "hall", "regular", "2019-02-18", [(Role.MENTOR, None, None)]),
    ("tang.li", "E1031", "唐莉", "south", "counter", "regular", "2012-12-03",
     [(Role.TRAINING_SUPERVISOR, "south", None)]),
    ("feng.tao", "E1032", "冯涛", "gz", "field", "regular", "2011-06-20", [(Role.REGIONAL_MANAGER, "gz", None)]),
]

DEMO_ACCOUNTS = [p[0] for p in PEOPLE if p[0].startswith("demo-")]


def days_ago(days, hour=10, minute=0):
    """The moment ``days`` days before today (negative: ahead) at ``hour:minute``, local time."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def at(moment):
    """The clock moved to ``moment`` for the block, ticking on from there (as the tests' ``clock`` fixture moves
    it): the demo writes its past through the services the product uses, which take the time from
    ``django.utils.timezone.now``, so every record is dated when it happened and every rule on dates holds."""
    import time_machine

    return time_machine.travel(moment, tick=True)


@functools.cache
def _password_hash():
    return make_password(DEMO_PASSWORD)


def create_demo_person(**fields):
    """``create_staff`` with the demo password. Hashing is slow on purpose (~0.7 s), so the hash is made once per
    run and shared by the demo accounts: they share one published password anyway."""
    user = create_staff(password=None, **fields)
    user.password = _password_hash()
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_organisation():
    regions = {}
    for code, name, parent in REGIONS:
        regions[code], _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "parent": regions.get(parent)}
        )
    posts = {}
    for code, name in POSTS:
        posts[code], _ = Post.objects.get_or_create(code=code, defaults={"name": name})

    User = get_user_model()
    for username, employee_no, name, region, post, status, hired, roles in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_demo_person(
                username=username,
                employee_no=employee_no,
                name=name,
                region=regions[region],
                post=posts[post],
                status=status,
                hire_date=datetime.date.fromisoformat(hired),
                phone="138" + "".join(c for c in employee_no if c.isdigit()).rjust(8, "0"),
            )
        elif not StaffProfile.objects.filter(user=user).exists():
            continue  # an account of the same name that is not ours: leave it alone
        for role, region_code, post_code in roles:
            assign_role(
                user=user,
                role=role,
                region=regions.get(region_code) if region_code else None,
                post=posts.get(post_code) if post_code else None,
            )
    return regions, posts

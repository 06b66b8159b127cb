"""Demo data of the mentorship app, called by ``manage.py load_demo`` (idempotent)."""

import datetime

from django.contrib.auth import get_user_model

from .models import MentorAssignment
from .services import assign_mentor, training_leads_of

# trainee username → mentor username
MENTOR_LINKS = {
    "demo-trainee": "demo-mentor",
    "zhang.yuxuan": "demo-mentor",
    "liu.zihan": "he.zhiqiang",
    "huang.siyuan": "he.zhiqiang",
    "lin.jiayi": "ma.xiaodong",
}


def load(stdout=None):
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[*MENTOR_LINKS, *MENTOR_LINKS.values()])}
    for trainee_name, mentor_name in MENTOR_LINKS.items():
        trainee, mentor = users.get(trainee_name), users.get(mentor_name)
        if trainee is None or mentor is None:
            continue
        if MentorAssignment.objects.filter(trainee=trainee).exists():
            continue
        assign_mentor(
            trainee=trainee,
            mentor=mentor,
            assigned_by=training_leads_of(trainee).first(),
            start_date=datetime.date(2026, 9, 1),
            reason="入职分配导师",
        )

"""M7 screens: the culture and system checklist and its topics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access import get_in_scope_or_404, get_profile_or_404, role_required
from lms.roles import Role

from .. import access, services
from ..forms import ChecklistTopicForm
from ..models import ChecklistTopic
from .common import post_action


@login_required
def checklist_mine(request):
    profile = getattr(request.user, "profile", None)
    if profile is None:
        raise Http404
    return redirect("mentorship:checklist", profile.pk)


@login_required
def checklist(request, profile_pk):
    profile = get_profile_or_404(request.user, profile_pk)
    trainee = profile.user
    rows = services.checklist_for(trainee)
    for _topic, item in rows:
        if item is not None:
            item.actions = item.actions_for(request.user)
    return render(request, "mentorship/checklist.html", {
        "person": profile,
        "rows": rows,
        "may_cover": access.is_current_mentor(request.user, trainee),
        "done": sum(1 for _t, item in rows if item and item.acknowledged_at),
        "complete": services.checklist_complete(trainee),
    })


@login_required
@require_POST
def checklist_cover(request, profile_pk, topic_pk):
    profile = get_profile_or_404(request.user, profile_pk)
    topic = get_object_or_404(ChecklistTopic, pk=topic_pk, active=True)
    post_action(request, lambda: services.mark_topic_covered(trainee=profile.user, topic=topic, mentor=request.user),
                 _("Marked as covered."))
    return redirect("mentorship:checklist", profile_pk)


@login_required
@require_POST
def checklist_acknowledge(request, item_pk):
    item = get_in_scope_or_404(access.checklist_items_visible_to(request.user), pk=item_pk)
    post_action(request, lambda: services.acknowledge_topic(item=item, trainee=request.user),
                 _("Acknowledged."))
    return redirect("mentorship:checklist", item.trainee.profile.pk)


@role_required(Role.TRAINING_LEAD)
def checklist_topics(request, pk=None):
    topic = get_object_or_404(ChecklistTopic, pk=pk) if pk else None
    form = ChecklistTopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The checklist topic has been saved."))
        return redirect("mentorship:checklist_topics")
    return render(request, "mentorship/checklist_topics.html",
                  {"form": form, "topic": topic, "topics": ChecklistTopic.objects.all()})

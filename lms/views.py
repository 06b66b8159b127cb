from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from .access import get_profile_or_404, visible_profiles
from .forms import PeopleSearchForm
from .home import build_home

PAGE_SIZE = 25


@login_required
def home(request):
    profile = getattr(request.user, "profile", None)
    sections = build_home(request, profile) if profile else []
    return render(request, "lms/home.html", {"profile": profile, "sections": sections})


@login_required
def people(request):
    form = PeopleSearchForm(request.GET or None)
    profiles = visible_profiles(request.user).order_by("employee_no")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        profiles = profiles.filter(Q(name__icontains=q) | Q(employee_no__icontains=q))
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "lms/people.html", {"form": form, "page": page})


@login_required
def person(request, pk):
    profile = get_profile_or_404(request.user, pk)
    roles = profile.user.role_assignments.select_related("region", "post")
    mentor_history = profile.user.mentor_assignments_as_trainee.select_related("mentor__profile")
    return render(
        request, "lms/person.html", {"person": profile, "roles": roles, "mentor_history": mentor_history}
    )


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)

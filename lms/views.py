from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .access import get_profile_or_404, visible_profiles
from .exports import roster_table, table_response
from .filters import PeopleFilter
from .home import build_home
from .people import annotate_columns, people_columns
from .person import build_person_sections, render_pdf

PAGE_SIZE = 25


@login_required
def home(request):
    profile = getattr(request.user, "profile", None)
    sections = build_home(request, profile) if profile else []
    return render(request, "lms/home.html", {"profile": profile, "sections": sections})


def _filtered_people(request, columns):
    """The people the user may see, with the list's filters applied and the apps' columns annotated."""
    scope = annotate_columns(visible_profiles(request.user).order_by("employee_no"), columns)
    return PeopleFilter(request.GET or None, queryset=scope, request=request)


@login_required
def people(request):
    columns = people_columns()
    filterset = _filtered_people(request, columns)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for profile in page.object_list:
        profile.extra_cells = [getattr(profile, c.key) for c in columns]
    return render(request, "lms/people.html", {"filter": filterset, "page": page, "columns": columns})


@login_required
def people_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    columns = people_columns()
    headers, rows = roster_table(_filtered_people(request, columns).qs, columns)
    return table_response(headers, rows, filename="roster", fmt=fmt)


def _person_context(request, pk):
    profile = get_profile_or_404(request.user, pk)
    return {
        "person": profile,
        "roles": profile.user.role_assignments.select_related("region", "post"),
        "sections": build_person_sections(request, profile),
    }


@login_required
def person(request, pk):
    from .onboarding import awaits_invitation

    context = _person_context(request, pk)
    context["awaits_invitation"] = awaits_invitation(request.user, context["person"])
    return render(request, "lms/person.html", context)


@login_required
def person_record(request, pk):
    """The printable onboarding record of one person, as a PDF for the personnel file."""
    context = _person_context(request, pk)
    html = render_to_string("lms/person_record.html", context, request=request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="record-{context["person"].employee_no}.pdf"'
    return response

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lms.models import Region


@login_required
def floor(request):
    """The floor: a bare authenticated view rendering the base template with one query."""
    count = Region.objects.count()
    return render(request, "base.html", {"region_count": count})

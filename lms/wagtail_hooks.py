"""Organisation data in the Wagtail admin, grouped under one menu item."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Post, Region, RoleAssignment, StaffProfile


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]


class PostViewSet(SnippetViewSet):
    model = Post
    icon = "tag"
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class StaffProfileViewSet(SnippetViewSet):
    model = StaffProfile
    icon = "user"
    list_display = ["employee_no", "name", "region", "post", "status", "hire_date"]
    list_filter = ["status", "region", "post"]
    search_fields = ["name", "employee_no"]


class RoleAssignmentViewSet(SnippetViewSet):
    model = RoleAssignment
    icon = "key"
    list_display = ["user", "role", "region", "post"]
    list_filter = ["role"]


class OrganisationGroup(SnippetViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "group"
    menu_order = 300
    items = (StaffProfileViewSet, RoleAssignmentViewSet, RegionViewSet, PostViewSet)


register_snippet(OrganisationGroup)

"""The question bank and course assignments in the Wagtail admin, grouped under one menu item."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import TitleColumn
from wagtail.contrib.settings.registry import register_setting
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CourseAssignment, Question, QuestionCategory, SiteRules


class QuestionViewSet(SnippetViewSet):
    """Questions with their options inline (the model's panels carry the InlinePanel)."""

    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "type", "category", "clause_ids", "updated_at"]
    list_filter = ["type", "category"]
    search_fields = ["stem", "clause_ids"]
    list_per_page = 50


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = [
        "name", "parent",
        TitleColumn("quality", label=_("Quality"), accessor=lambda category: _("Check quality"),
                    url_name="courses_quality:category"),
    ]
    search_fields = ["name"]


class CourseAssignmentViewSet(SnippetViewSet):
    model = CourseAssignment
    icon = "date"
    menu_label = _("Course assignments")
    list_display = ["course", "user", "post", "region", "due_date"]
    list_filter = ["course", "post", "region"]


class QuestionBankGroup(SnippetViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 250
    items = (QuestionViewSet, QuestionCategoryViewSet, CourseAssignmentViewSet)

    def get_submenu_items(self):
        from django.urls import reverse_lazy
        from wagtail.admin.menu import MenuItem

        items = super().get_submenu_items()
        items.append(MenuItem(_("Import questions"), reverse_lazy("courses_import:upload"), icon_name="upload",
                              order=900))
        items.append(MenuItem(_("Bank quality"), reverse_lazy("courses_quality:index"), icon_name="tasks", order=910))
        return items


register_snippet(QuestionBankGroup)
# 设置 → 本单位服务规定: the values lessons show and rule questions ask for (courses.site_rules).
register_setting(SiteRules, icon="cog")


@hooks.register("register_admin_urls")
def register_import_urls():
    from . import admin_views

    urls = [
        path("", admin_views.upload, name="upload"),
        path("confirm/", admin_views.confirm, name="confirm"),
        path("template.xlsx", admin_views.template, name="template"),
    ]
    quality = [
        path("", admin_views.quality_index, name="index"),
        path("<int:pk>/", admin_views.quality, name="category"),
    ]
    return [
        path("question-import/", include((urls, "courses_import"), namespace="courses_import")),
        path("question-quality/", include((quality, "courses_quality"), namespace="courses_quality")),
    ]

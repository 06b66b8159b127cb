"""Content editors publish the standards themselves, and the site root gets the product's title.

Wagtail's migrations leave a "Moderators approval" workflow on the whole tree whose group has no
members: an editor could only submit for moderation and the change never went live. Editors now
hold the publish permission on the tree, the empty workflow is switched off (moderation that was
waiting on it is cancelled, so no page stays locked) and the root page no longer greets visitors
with "Welcome to your new Wagtail site!".
"""

from django.db import migrations

WAGTAIL_DEFAULT_TITLE = "Welcome to your new Wagtail site!"
SITE_TITLE = "客服培训与认证平台"


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")

    root = Page.objects.filter(depth=1).first()
    editors = Group.objects.filter(name="Editors").first()
    if root is not None and editors is not None:
        page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
        publish, _ = Permission.objects.get_or_create(
            content_type=page_type, codename="publish_page", defaults={"name": "Can publish any page"}
        )
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=publish)

    for workflow in Workflow.objects.filter(name="Moderators approval", active=True):
        states = WorkflowState.objects.filter(workflow=workflow, status="in_progress")
        TaskState.objects.filter(workflow_state__in=states, status="in_progress").update(status="cancelled")
        states.update(status="cancelled", current_task_state=None)
        WorkflowPage.objects.filter(workflow=workflow).delete()
        workflow.active = False
        workflow.save(update_fields=["active"])

    Page.objects.filter(depth=2, title=WAGTAIL_DEFAULT_TITLE).update(title=SITE_TITLE, draft_title=SITE_TITLE)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_editor_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

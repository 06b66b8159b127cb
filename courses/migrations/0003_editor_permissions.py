"""Wagtail's Editors and Moderators groups may manage the question bank and course assignments."""

from django.db import migrations

MODELS = ["question", "questioncategory", "courseassignment"]
GROUPS = ["Editors", "Moderators"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = []
    for model in MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="courses", model=model)
        for action in ("add", "change", "delete", "view"):
            perm, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
            )
            perms.append(perm)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_attempts"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

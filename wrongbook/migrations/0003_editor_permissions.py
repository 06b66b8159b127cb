"""Wagtail's Editors and Moderators groups keep the observation checklists (观察清单)."""

from django.db import migrations

MODELS = ["observationchecklist"]
GROUPS = ["Editors", "Moderators"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = []
    for model in MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="wrongbook", model=model)
        for action in ("add", "change", "delete", "view"):
            perm, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
            )
            perms.append(perm)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("wrongbook", "0002_observation_checklists"),
        ("courses", "0003_editor_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""Seed the skill catalogue (M9, M10) and the culture and system checklist (M7, DOMAIN.md)."""

from django.db import migrations


def seed(apps, schema_editor):
    from mentorship.catalogue import seed as seed_catalogues

    seed_catalogues(apps.get_model("mentorship", "Skill"), apps.get_model("mentorship", "ChecklistTopic"))


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0002_regulation")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

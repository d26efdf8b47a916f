"""Seed the provider register with today's recipients (S4); the privacy team edits it after."""

from typing import Any

from django.db import migrations

from petite.privacy.providers import seed_rows


def seed(apps: Any, schema_editor: Any) -> None:
    ServiceProvider = apps.get_model("privacy", "ServiceProvider")
    for row in seed_rows():
        ServiceProvider.objects.get_or_create(key=row["key"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_serviceprovider_provideragent_accessrecord")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

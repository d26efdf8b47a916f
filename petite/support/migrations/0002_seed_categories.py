"""The help desk's first categories; staff add and rename them in the back-office."""

from typing import Any

from django.db import migrations

CATEGORIES = [
    ("My account and signing in", "Mon compte et la connexion", 10),
    ("Payments and orders", "Paiements et commandes", 20),
    ("Messages and comments", "Messages et commentaires", 30),
    ("My data and privacy", "Mes données et la vie privée", 40),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Category = apps.get_model("support", "Category")
    for name_en, name_fr, order in CATEGORIES:
        Category.objects.get_or_create(
            name_en=name_en, defaults={"name_fr": name_fr, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

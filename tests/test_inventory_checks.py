"""The inventory's system checks fail on anything personal that is not declared (P1).

The models below exist only inside each test (``isolate_apps``); they are
checked with ``check_inventory(models_to_check=...)`` exactly as
``manage.py check`` checks the project's models.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from petite.privacy import categories
from petite.privacy.checks import check_inventory
from petite.privacy.declarations import Erasure, Personal


def error_ids(model: type[models.Model]) -> list[str]:
    return [str(message.id) for message in check_inventory(models_to_check=[model])]


@pytest.mark.clause("P1")
@isolate_apps("tests")
def test_a_model_linked_to_a_member_without_declaration_fails_the_check() -> None:
    class Undeclared(models.Model):
        member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        note = models.TextField()

        class Meta:
            app_label = "tests"

        def __str__(self) -> str:
            return "undeclared"

    assert error_ids(Undeclared) == ["privacy.E001"]


@pytest.mark.clause("P1")
@isolate_apps("tests")
def test_a_field_left_out_of_the_declaration_fails_the_check() -> None:
    class HalfDeclared(models.Model):
        member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        nickname = models.CharField(max_length=50)
        secret_hobby = models.CharField(max_length=50)

        class Meta:
            app_label = "tests"

        class Privacy:
            subject = "member"
            fields = {"nickname": Personal(categories.PORTRAIT, ["P1"], Erasure.DELETE)}
            technical = ["id", "member"]

        def __str__(self) -> str:
            return self.nickname

    messages = check_inventory(models_to_check=[HalfDeclared])
    assert [m.id for m in messages] == ["privacy.E002"]
    assert "secret_hobby" in messages[0].msg


@pytest.mark.clause("P1")
@isolate_apps("tests")
def test_an_unknown_purpose_fails_the_check() -> None:
    class Misdeclared(models.Model):
        member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        nickname = models.CharField(max_length=50)

        class Meta:
            app_label = "tests"

        class Privacy:
            subject = "member"
            fields = {"nickname": Personal(categories.PORTRAIT, ["P99"], Erasure.DELETE)}
            technical = ["id", "member"]

        def __str__(self) -> str:
            return self.nickname

    assert error_ids(Misdeclared) == ["privacy.E003"]


@pytest.mark.clause("P1")
@isolate_apps("tests")
def test_an_erasure_strategy_the_field_cannot_take_fails_the_check() -> None:
    class Unblankable(models.Model):
        member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        shoe_size = models.PositiveIntegerField()  # neither text nor nullable

        class Meta:
            app_label = "tests"

        class Privacy:
            subject = "member"
            fields = {"shoe_size": Personal(categories.PORTRAIT, ["P1"], Erasure.BLANK)}
            technical = ["id", "member"]

        def __str__(self) -> str:
            return str(self.shoe_size)

    assert error_ids(Unblankable) == ["privacy.E004"]


@isolate_apps("tests")
def test_a_retention_period_needs_a_date_to_count_from() -> None:
    class Undated(models.Model):
        member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        visits = models.PositiveIntegerField()

        class Meta:
            app_label = "tests"

        class Privacy:
            subject = "member"
            timestamp = "visits"
            fields = {"visits": Personal(categories.USAGE, ["P2"], Erasure.DELETE)}
            technical = ["id", "member"]

        def __str__(self) -> str:
            return str(self.visits)

    assert error_ids(Undated) == ["privacy.E007"]


@isolate_apps("tests")
def test_a_model_with_no_link_to_members_needs_no_declaration() -> None:
    class Weather(models.Model):
        city = models.CharField(max_length=50)

        class Meta:
            app_label = "tests"

        def __str__(self) -> str:
            return self.city

    assert error_ids(Weather) == []


@pytest.mark.clause("P1")
@pytest.mark.django_db
def test_the_whole_project_passes_the_checks() -> None:
    # Raises SystemCheckError on any error.
    call_command("check", "--tag", "privacy", "--fail-level", "WARNING")
    call_command("check")

"""The member: the person an account belongs to (R1.1)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from petite.privacy import categories
from petite.privacy.declarations import Erasure, Personal


class MemberManager(BaseUserManager["Member"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> Member:
        if not email:
            raise ValueError("A member needs an e-mail address.")
        member = self.model(email=self.normalize_email(email).lower(), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Member:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> Member:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class Member(AbstractUser):
    """A person with an account. The e-mail address is the login; there is no username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("The language of our e-mails to you.")
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["first_name", "last_name"]

    objects = MemberManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    class Privacy:
        subject = ""
        fields = {
            "first_name": Personal(categories.IDENTITY, ["P1", "P4"], Erasure.DELETE),
            "last_name": Personal(categories.IDENTITY, ["P1", "P4"], Erasure.DELETE),
            "email": Personal(categories.CONTACT, ["P1", "P4"], Erasure.DELETE),
            "password": Personal(categories.CREDENTIALS, ["P4"], Erasure.DELETE),
            "language": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
            "date_joined": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
            "last_login": Personal(categories.CONNECTION, ["P1", "P8"], Erasure.DELETE),
            "is_active": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE),
        }
        technical = ["id", "is_staff", "is_superuser", "groups", "user_permissions"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

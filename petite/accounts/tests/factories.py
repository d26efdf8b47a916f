"""Named members for tests that read like stories."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.test import Client

from petite.accounts.models import Member

PASSWORD = "correct horse battery staple"


def address(local_part: str, domain: str = "example.org") -> str:
    """An e-mail address assembled from its parts (some editors mangle literal ones)."""
    return local_part + "@" + domain


def signed_in(member: Member) -> Client:
    """A test client signed in as ``member`` (no sign-in form, no connection row)."""
    client = Client()
    client.force_login(member)
    return client


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    first_name = "Alice"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.LazyAttribute(lambda m: f"{m.first_name}.{m.last_name}@example.org".lower())
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj: Member, create: bool, extracted: Any, **kwargs: Any) -> None:
        """A verified primary e-mail address, as allauth keeps it (pass verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class StaffFactory(MemberFactory):
    first_name = "Sam"
    is_staff = True
    is_superuser = True

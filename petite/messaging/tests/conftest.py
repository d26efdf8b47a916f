"""Fixtures of the messaging tests: a third member, Portraits with display names, helpers."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address, signed_in
from petite.portraits.models import Portrait
from petite.privacy import export

from .. import actions
from ..models import Message


@pytest.fixture
def carol(db: None) -> Member:
    return MemberFactory.create(first_name="Carol", last_name="Petit", email=address("carol"))


def named(member: Member, display_name: str) -> Member:
    Portrait.objects.update_or_create(member=member, defaults={"display_name": display_name})
    member.refresh_from_db()
    return member


def first_message(author: Member, recipient: Member, body: str = "Hello there") -> Message:
    return actions.start_conversation(author=author, recipient=recipient, body=body)


def client_for(member: Member) -> Client:
    return signed_in(member)


def exported(member: Member) -> dict[str, Any]:
    buffer = io.BytesIO()
    export.write_archive(member, buffer)
    with zipfile.ZipFile(buffer) as archive:
        data: dict[str, Any] = json.loads(archive.read("data.json"))
    return data


def exported_items(member: Member, label: str) -> list[dict[str, Any]]:
    data = exported(member)
    section = next(r for r in data["records"] if r["model"] == label)
    items: list[dict[str, Any]] = section["items"]
    return items

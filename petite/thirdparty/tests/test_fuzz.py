"""The API fuzzed against its own OpenAPI document, in process (S3): whatever schemathesis
sends, as an app or as a member, no 5xx and no response outside the document."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from petite.thirdparty.api import api
from petite.thirdparty.models import Application

from .factories import issue_tokens

pytestmark = pytest.mark.clause("S3")

EXAMPLES = hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def as_app(alice: Any, app: Application) -> dict[str, str]:
    issued = issue_tokens(alice, app, scope="openid profile email portrait")
    return {"Authorization": f"Bearer {issued.access}"}


@pytest.fixture
def as_member(alice: Any) -> dict[str, str]:
    client = Client()
    client.force_login(alice)
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}"}


# The document the API serves at /api/openapi.json (the test below proves they are the
# same), built without a request: nothing may touch the database while tests are collected.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()
schema.location = "/api/openapi.json"


def test_the_fuzzed_document_is_the_one_served(db: None) -> None:
    assert Client().get("/api/openapi.json").json() == schema.raw_schema


@schema.parametrize()
@EXAMPLES
def test_the_api_as_an_app(case: Any, as_app: dict[str, str]) -> None:
    case.call_and_validate(headers=as_app)


@schema.parametrize()
@EXAMPLES
def test_the_api_as_a_member(case: Any, as_member: dict[str, str]) -> None:
    case.call_and_validate(headers=as_member)


@schema.parametrize()
@EXAMPLES
def test_the_api_as_nobody(case: Any, db: None) -> None:
    case.call_and_validate()

from __future__ import annotations

import pytest

from petite.thirdparty.models import Application

from .factories import make_app


@pytest.fixture
def app(db: None) -> Application:
    return make_app()


@pytest.fixture
def other_app(db: None) -> Application:
    return make_app(
        name="Moonwatch", owner="Moonwatch Ltd", redirect_uris="https://moon.example/cb"
    )

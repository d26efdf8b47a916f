"""Fixtures of the comments tests: a published article, a draft, members who confirmed."""

from __future__ import annotations

import pytest

from petite.accounts.models import Member

from .. import actions
from ..models import Article, Comment
from .factories import ArticleFactory


@pytest.fixture
def article(db: None) -> Article:
    return ArticleFactory.create(slug="welcome", title_en="Welcome", title_fr="Bienvenue")


@pytest.fixture
def draft(db: None) -> Article:
    return ArticleFactory.create(slug="coming-soon", title_en="Coming soon", published=False)


def comment_by(member: Member, article: Article, body: str = "Nice article") -> Comment:
    actions.confirm_public_comments(member=member)
    return actions.post_comment(author=member, article=article, body=body)

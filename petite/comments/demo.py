"""Demo data: two published articles and a comment by Alice (idempotent)."""

from __future__ import annotations

from typing import TextIO

from petite.accounts.models import Member

from . import actions
from .models import Article, Comment

DOMAIN = "petite.example"

ARTICLES = [
    {
        "slug": "welcome",
        "title_en": "Welcome to Petite",
        "title_fr": "Bienvenue sur Petite",
        "body_en": (
            "Petite is a small platform for people who make things.\n\n"
            "## What you can do\n\n"
            "- fill in your **Portrait**;\n"
            "- write to other members;\n"
            "- comment on our articles.\n\n"
            "Read our [privacy notice](/privacy/) to see what we keep and why."
        ),
        "body_fr": (
            "Petite est une petite plateforme pour celles et ceux qui fabriquent.\n\n"
            "## Ce que vous pouvez faire\n\n"
            "- remplir votre **Portrait** ;\n"
            "- écrire à d'autres membres ;\n"
            "- commenter nos articles.\n\n"
            "Lisez notre [avis de confidentialité](/fr/privacy/) pour savoir ce que nous "
            "gardons et pourquoi."
        ),
    },
    {
        "slug": "comments-are-public",
        "title_en": "Why your comments show only your display name",
        "title_fr": "Pourquoi vos commentaires ne montrent que votre nom d'affichage",
        "body_en": (
            "Comments on our articles are public. They show the display name of your "
            "Portrait, or your first name if you chose none: never your last name or your "
            "e-mail address.\n\nYou can edit or delete your comments at any time."
        ),
        "body_fr": (
            "Les commentaires de nos articles sont publics. Ils montrent le nom d'affichage "
            "de votre Portrait, ou votre prénom si vous n'en avez pas choisi : jamais votre "
            "nom de famille ni votre adresse e-mail.\n\nVous pouvez modifier ou supprimer vos "
            "commentaires à tout moment."
        ),
    },
]


def load(stdout: TextIO) -> None:
    created = 0
    for values in ARTICLES:
        if Article.objects.filter(slug=values["slug"]).exists():
            continue
        actions.save_article(article=Article(published=True, **values), actor=None)
        created += 1
    alice = Member.objects.filter(email="alice" + "@" + DOMAIN).first()
    welcome = Article.objects.filter(slug="welcome").first()
    if (
        alice is not None
        and welcome is not None
        and not Comment.objects.filter(author=alice).exists()
    ):
        actions.confirm_public_comments(member=alice)
        actions.post_comment(
            author=alice,
            article=welcome,
            body="Lovely to be here! *Looking forward* to the next workshop.",
        )
    if created:
        stdout.write(f"Comments: {created} articles published.\n")

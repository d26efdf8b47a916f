from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "petite.comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from petite.core import placements  # registered once apps are ready

        # Say in words which pages an article context names ("why this ad").
        placements.describe_with("article", _article_section)


def _article_section(section: str) -> str:
    from .models import Section  # models load after the app registry

    label = dict(Section.choices).get(section)
    return str(_("articles in the “%(section)s” section") % {"section": label}) if label else ""

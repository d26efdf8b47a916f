"""Policy versions are frozen snapshots of the generated notice (E1); a change to the
notice makes a draft and a warning until it is published (E2); the public pages
show the version in force, the one coming, the archive and a readable diff."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import OperationalError
from django.test import Client
from django.utils import formats, timezone

from petite.accounts.models import Member
from petite.core import schedule
from petite.core.models import AuditEvent
from petite.policies import actions, diffing, selectors, snapshot, tasks
from petite.policies import checks as policy_checks
from petite.policies.models import PolicyVersion
from petite.privacy.notice import render_notice

from .conftest import SUMMARY_EN, SUMMARY_FR, publish

ChangeNotice = Callable[[int], None]


def policy_warnings() -> list[checks.CheckMessage]:
    return policy_checks.check_notice_published(None)


# --- Snapshots (E1) ---------------------------------------------------------------------


@pytest.mark.clause("E1")
def test_the_first_run_records_the_notice_in_force_as_version_1(db: None) -> None:
    outcome = actions.prepare_draft()

    version = outcome.version
    assert outcome.outcome == "initial"
    assert version is not None
    assert (version.number, version.status, version.announced) == (1, "published", False)
    assert version.text_en == render_notice("en")
    assert version.text_fr == render_notice("fr")
    assert version.html_fr == render_notice("fr", format="html")
    assert version.content_hash == snapshot.content_hash(
        {"en": render_notice("en"), "fr": render_notice("fr")}
    )
    assert version.effective_at == version.published_at
    assert version.summary_fr.startswith("Première version")
    assert AuditEvent.objects.filter(action="policies.initial_version_recorded").count() == 1


@pytest.mark.clause("E1")
def test_a_published_version_keeps_its_text_when_the_code_changes(
    draft: PolicyVersion, staff: Member, change_notice: ChangeNotice
) -> None:
    published = publish(draft, staff)
    frozen = (published.text_en, published.text_fr, published.content_hash)

    change_notice(7 * 365)
    actions.prepare_draft()

    published.refresh_from_db()
    assert (published.text_en, published.text_fr, published.content_hash) == frozen
    assert "5 years (1825 days)" in published.text_en
    assert "7 years" not in published.text_en
    assert published.summary_en == SUMMARY_EN
    assert published.summary_fr == SUMMARY_FR
    assert (published.number, published.published_at is not None) == (2, True)


@pytest.mark.clause("E1")
def test_the_hash_covers_both_languages() -> None:
    texts = {"en": "Notice", "fr": "Avis"}

    assert snapshot.content_hash(texts) != snapshot.content_hash({**texts, "fr": "Avis."})
    assert len(snapshot.content_hash(texts)) == 64


# --- Drafts and the check (E2) --------------------------------------------------------------


@pytest.mark.clause("E2")
def test_a_changed_notice_makes_one_draft_and_preparing_again_changes_nothing(
    first_version: PolicyVersion, change_notice: ChangeNotice
) -> None:
    assert actions.prepare_draft().outcome == "unchanged"
    change_notice(5 * 365)

    created = actions.prepare_draft()
    again = actions.prepare_draft()

    assert created.outcome == "created"
    assert again.outcome == "unchanged"
    drafts = PolicyVersion.objects.filter(status="draft")
    assert list(drafts) == [created.version]
    draft = drafts.get()
    assert draft.number is None
    assert "5 years (1825 days)" in draft.text_en
    assert "5 ans (1825 jours)" in draft.text_fr
    assert draft.content_hash != first_version.content_hash


@pytest.mark.clause("E2")
def test_the_draft_follows_later_changes_and_keeps_its_summary(
    draft: PolicyVersion, change_notice: ChangeNotice
) -> None:
    change_notice(6 * 365)
    updated = actions.prepare_draft()

    assert updated.outcome == "updated"
    assert updated.version is not None
    assert updated.version.pk == draft.pk
    assert "6 years" in updated.version.text_en
    assert updated.version.summary_en == SUMMARY_EN

    change_notice(3 * 365)  # back to what version 1 says
    assert actions.prepare_draft().outcome == "discarded"
    assert not PolicyVersion.objects.filter(status="draft").exists()


@pytest.mark.clause("E2")
def test_the_scheduler_prepares_the_draft_every_hour(
    first_version: PolicyVersion, change_notice: ChangeNotice
) -> None:
    periodic = {p.name: p for p in schedule.periodic_tasks()}
    assert periodic["petite.policies.tasks.prepare_policy_draft"].every == timedelta(hours=1)

    change_notice(5 * 365)
    result = tasks.prepare_policy_draft.enqueue()

    assert result.return_value == "created"
    assert selectors.draft() is not None


@pytest.mark.clause("E2")
def test_the_command_prepares_the_draft_and_its_check_mode_fails_on_a_change(
    first_version: PolicyVersion, change_notice: ChangeNotice
) -> None:
    out = StringIO()
    call_command("prepare_policy_draft", "--check", stdout=out)
    assert "matches" in out.getvalue()

    change_notice(5 * 365)
    with pytest.raises(CommandError, match="differs from policy version 1"):
        call_command("prepare_policy_draft", "--check", stdout=out)
    assert selectors.draft() is None  # --check changes nothing
    call_command("prepare_policy_draft", stdout=out)
    assert "a draft version was prepared" in out.getvalue()
    assert selectors.draft() is not None


@pytest.mark.clause("E2")
def test_the_check_is_silent_on_a_fresh_database_and_while_the_notice_is_published(
    db: None, change_notice: ChangeNotice
) -> None:
    assert policy_warnings() == []  # nothing recorded yet: nothing to compare with
    actions.prepare_draft()
    assert policy_warnings() == []
    call_command("check", "--fail-level", "WARNING", stdout=StringIO(), stderr=StringIO())


@pytest.mark.clause("E2")
def test_the_check_warns_until_the_changed_notice_is_published(
    draft: PolicyVersion, staff: Member, change_notice: ChangeNotice
) -> None:
    warnings = policy_warnings()

    assert [w.id for w in warnings] == ["policies.W001"]
    assert warnings[0].level == checks.WARNING
    assert "policy version 1" in warnings[0].msg
    assert "A draft is ready" in (warnings[0].hint or "")
    with pytest.raises(SystemCheckError):
        call_command("check", "--fail-level", "WARNING", stdout=StringIO(), stderr=StringIO())

    publish(draft, staff)

    assert policy_warnings() == []


@pytest.mark.clause("E2")
def test_the_check_is_silent_without_a_database(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable() -> None:
        raise OperationalError("no such table: policies_policyversion")

    monkeypatch.setattr(selectors, "latest_published", unreachable)

    assert policy_warnings() == []


# --- Public pages (E1) -------------------------------------------------------------------------


def text_of(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


@pytest.mark.clause("E1")
def test_the_archive_shows_the_version_in_force_and_the_one_coming_with_its_date(
    client: Client, draft: PolicyVersion, staff: Member
) -> None:
    version = publish(draft, staff, days=20)
    assert version.effective_at is not None
    expected = formats.date_format(timezone.localtime(version.effective_at), "DATE_FORMAT")

    response = client.get("/privacy/versions/")

    page = text_of(response)
    assert response.status_code == 200
    assert "In force: version 1" in page
    assert f"Coming: version 2, in force from {expected}" in page
    assert SUMMARY_EN in page
    assert "/privacy/versions/compare/?old=1&new=2" in page

    french = text_of(client.get("/fr/privacy/versions/"))
    assert SUMMARY_FR in french
    assert "version 2" in french


@pytest.mark.clause("E1")
def test_each_version_is_shown_as_frozen_in_both_languages(
    client: Client, draft: PolicyVersion, staff: Member, change_notice: ChangeNotice
) -> None:
    publish(draft, staff)
    change_notice(8 * 365)  # the live notice moves on; version 2 does not

    english = text_of(client.get("/privacy/versions/2/"))
    french = text_of(client.get("/fr/privacy/versions/2/"))

    assert "5 years (1825 days)" in english
    assert "8 years" not in english
    assert "5 ans (1825 jours)" in french
    assert draft.content_hash in english
    assert "Coming: not in force yet" in english


@pytest.mark.clause("E1")
def test_drafts_and_unknown_versions_are_not_public(client: Client, draft: PolicyVersion) -> None:
    assert client.get("/privacy/versions/2/").status_code == 404
    assert client.get("/privacy/versions/99/").status_code == 404
    assert SUMMARY_EN not in text_of(client.get("/privacy/versions/"))


@pytest.mark.clause("E1")
def test_the_diff_between_two_versions_marks_removed_and_added_words(
    client: Client, draft: PolicyVersion, staff: Member
) -> None:
    publish(draft, staff)

    response = client.get("/privacy/versions/compare/", {"old": 1, "new": 2})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Changes between versions 1 and 2" in page
    assert '<del class="policy-del"><span class="visually-hidden">[removed: </span>3' in page
    assert '<ins class="policy-ins"><span class="visually-hidden">[added: </span>5' in page
    assert "unchanged passages" in page
    french = client.get("/fr/privacy/versions/compare/", {"old": 1, "new": 2}).content.decode()
    assert "ans" in french
    assert "policy-ins" in french


@pytest.mark.clause("E1")
@pytest.mark.parametrize(
    "query",
    [{"old": "1", "new": "1"}, {"old": "abc", "new": "2"}, {"old": "1", "new": "7"}, {"old": "1"}],
)
def test_a_bad_comparison_says_what_is_wrong_and_never_fails(
    client: Client, draft: PolicyVersion, staff: Member, query: dict[str, str]
) -> None:
    publish(draft, staff)

    response = client.get("/privacy/versions/compare/", query)

    assert response.status_code == 400
    page = text_of(response)
    assert 'role="alert"' in page
    assert "Changes between" not in page


@pytest.mark.clause("E1")
def test_the_diff_of_two_texts_pairs_changed_lines_and_counts_changes() -> None:
    old = "# Notice\n\nWe keep messages for 3 years.\n\n- name\n- e-mail\n\nUnrelated closing words.\n"
    new = "# Notice\n\nWe keep messages for 5 years.\n\n- name\n- phone number\n- e-mail\n\nUnrelated closing words.\n"

    comparison = diffing.compare(old, new, context=0)

    lines = [line for hunk in comparison.hunks for line in hunk.lines]
    assert [(line.kind, line.text) for line in lines] == [
        ("changed", "We keep messages for 35 years."),
        ("added", "• phone number"),
    ]
    changed = lines[0].pieces
    assert [(p.kind, p.text) for p in changed if p.kind != "same"] == [
        ("removed", "3"),
        ("added", "5"),
    ]
    assert (comparison.changed, comparison.added, comparison.removed) == (1, 1, 0)
    assert diffing.compare(old, old).identical


@pytest.mark.clause("E1")
def test_readable_lines_drop_markdown_syntax() -> None:
    markdown = (
        "## 1. Title\n\n- **Identity**: see [the form](/contact/) and `sessionid`\\_x\n  - child\n"
    )

    assert snapshot.readable_lines(markdown) == [
        "1. Title",
        "• Identity: see the form and sessionid_x",
        "  • child",
    ]

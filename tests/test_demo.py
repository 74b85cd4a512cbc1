"""`cjgscan demo`: what it seeds, that seeding twice gives the same figures, and the demo's Post page."""

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cjgscan.analysis.results import GROUPS, PROFESSIONS, round_results
from cjgscan.demo import seed
from cjgscan.development.check import check_action
from cjgscan.development.models import Action, AgreedScore
from cjgscan.organisations.models import Membership, Organisation
from cjgscan.rounds.models import Response, Round
from cjgscan.workshops.models import Note, Vote, Wish, Workshop

pytestmark = pytest.mark.django_db


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def figures() -> dict[str, Any]:
    """Every released figure of every demo round, by names (uuids differ between seeds)."""
    result: dict[str, Any] = {}
    for round_ in Round.objects.filter(organisation__name__in=[seed.DEMO_ORGANISATION, seed.SECOND_ORGANISATION]):
        for dimension in (GROUPS, PROFESSIONS):
            results = round_results(round_, dimension)
            labels = {column.key: column.label for column in results.columns}
            result[f"{round_.organisation.name}/{round_.title}/{dimension}"] = {
                "columns": [(c.label, c.respondents, c.together) for c in results.columns],
                "keys": {
                    t.code: {labels[k]: s.mean for k, s in results.keys.get(t.pk, {}).items()} for t in results.themes
                },
                "items": {
                    item.code: {labels[k]: (s.n, s.mean, s.dont_know) for k, s in results.items[item.pk].items()}
                    for item in results.all_items()
                    if item.pk in results.items
                },
                "comments": {t.code: sorted(results.comments.get(t.pk, [])) for t in results.themes},
                "importance": {t.code: results.importance.get(t.pk) for t in results.themes},
                "explanations": results.release.explanations,
            }
    return result


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One seeding for the tests that only read it (seeding takes seconds)."""
    with django_db_blocker.unblock():
        output = demo()
        yield output
        # Seeding is committed (outside the tests' transactions): leave the database as empty as it was, instruments,
        # users and queued tasks included, as a transactional test does, so that later tests start clean.
        seed.reset()
        call_command("flush", "--noinput", verbosity=0)
        get_user_model().objects.filter(username__in=[user.email for user in seed.USERS]).delete()


def test_the_demo_holds_what_the_issue_lists(seeded: str) -> None:
    demodorp = Organisation.objects.get(name=seed.DEMO_ORGANISATION)
    rounds = {r.title: r for r in demodorp.rounds.all()}
    earlier, recent = rounds["Nulmeting"], rounds["Vervolgmeting"]
    current = next(r for r in rounds.values() if r.status == Round.Status.OPEN)
    assert earlier.status == recent.status == Round.Status.CLOSED
    assert earlier.closes_on < recent.opens_on < recent.closes_on < current.opens_on
    assert earlier.releases.count() == recent.releases.count() == 1 and not current.releases.exists()
    assert 55 <= Response.objects.released().filter(round=recent).count() <= 65
    assert recent.groups.count() == 6
    assert current.is_accepting() and current.responses.submitted().exists() and current.responses.in_progress()
    results = round_results(recent)
    assert results.visible and len(results.themes) == 7
    assert any(column.together for column in results.columns), "a folded group shows"
    assert any(results.comments.values()) and results.importance
    assert round_results(recent, PROFESSIONS).by_profession
    # Groups that disagree: on some key two visible groups differ by at least a point.
    assert any(gap.difference >= 1 for gap in results.gaps())
    # About six actions over the four phases, linked to keys and characteristics; one with a before/after check.
    actions = list(Action.objects.filter(organisation=demodorp))
    assert len(actions) >= 6 and {a.phase for a in actions} == set(Action.Phase)
    assert all(a.theme_code for a in actions if a.round_id) and any(a.item_code for a in actions)
    checks = [check_action(a) for a in actions]
    compared = [c for c in checks if c and c.after == recent and c.before_visible and c.after_visible]
    assert compared and any(row.change for c in compared for s in c.subjects for row in s.rows if row.change)
    assert AgreedScore.objects.filter(round=recent).count() >= 3
    workshop = Workshop.objects.get(organisation=demodorp)
    assert workshop.status == Workshop.Status.ENDED and workshop.version.instrument.slug == "vijf-pijlers"
    assert Note.objects.filter(question__workshop=workshop).count() >= 10
    assert Wish.objects.filter(workshop=workshop).count() >= 5 and Vote.objects.filter(wish__workshop=workshop)
    assert Wish.objects.filter(workshop=workshop, action_uuid__isnull=False).exists()
    # The consultant is a member of both organisations; the second one has results of its own.
    consultant = Membership.objects.filter(user__username="adviseur@demo.nl")
    assert {m.organisation.name for m in consultant} == {seed.DEMO_ORGANISATION, seed.SECOND_ORGANISATION}
    assert round_results(Organisation.objects.get(name=seed.SECOND_ORGANISATION).rounds.get()).visible
    # The open round's invitations wait for the worker; nothing was written to them (privacy).
    assert current.invitations.count() >= 25 and not current.invitations.emailed().exists()
    for user in seed.USERS:
        assert user.email in seeded
    assert seed.PASSWORD in seeded


def test_running_it_again_keeps_the_data(seeded: str) -> None:
    before = figures()
    output = demo()
    assert "kept as they are" in output
    assert figures() == before
    assert Round.objects.filter(organisation__name=seed.DEMO_ORGANISATION).count() == 3


def test_the_recent_rounds_results_page_shows_every_key(seeded: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="lezer@demodorp.nl"))
    recent = Round.objects.get(organisation__name=seed.DEMO_ORGANISATION, title="Vervolgmeting")
    page = client.get(reverse("results_overview", args=[recent.organisation.uuid, recent.uuid]))
    assert page.status_code == 200
    text = page.content.decode()
    for theme in recent.version.themes.all():
        assert escape(theme.title["nl"]) in text, theme.code
        detail = client.get(reverse("results_key", args=[recent.organisation.uuid, recent.uuid, theme.code]))
        assert detail.status_code == 200, theme.code


@pytest.mark.django_db(transaction=True)
def test_seeding_twice_gives_the_same_figures() -> None:
    demo()
    first = figures()
    closed = Round.objects.filter(status=Round.Status.CLOSED).values_list("organisation__name", "title")
    assert len(closed) == 3 and all(first[f"{org}/{title}/{GROUPS}"]["columns"] for org, title in closed)
    output = demo("--reset")
    assert "seeded" in output
    assert figures() == first


def test_repeat_round_from_the_demo_is_ready_to_open(seeded: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="beheerder@demodorp.nl"))
    recent = Round.objects.get(organisation__name=seed.DEMO_ORGANISATION, title="Vervolgmeting")
    reply = client.post(reverse("round_repeat", args=[recent.organisation.uuid, recent.uuid]))
    repeat = Round.objects.get(organisation=recent.organisation, status=Round.Status.DRAFT)
    assert reply.status_code == 302 and reply["Location"].endswith(f"/{repeat.uuid}/")
    assert repeat.status == Round.Status.DRAFT
    assert list(repeat.groups.values_list("name", flat=True)) == list(recent.groups.values_list("name", flat=True))
    repeat.delete()

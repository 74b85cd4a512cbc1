"""Asking for a report: a few small queries in the request, the rendering in the worker (reports/tasks.py).

A report is made once per version of what it shows: the fingerprint hashes the inputs that can change (a new
release, the previous round's release, agreed scores, actions; for a werksessie its questions, notes, wishes
and votes). A second request for the same version finds the stored file; a new version replaces the old file
when it is ready.
"""

from typing import Any

from django.db.models import Count, Max

from cjgscan.development.models import Action, AgreedScore
from cjgscan.lib.stored import do_request_stored, version_hash
from cjgscan.reports.models import StoredReport
from cjgscan.reports.report import previous_round
from cjgscan.rounds.models import Release, Round

# Raised when the layout of a report changes, so that files made by the older code are made again.
LAYOUT = 3  # 3: typeset by Typst, notes by theme


def round_fingerprint(round_: Round, kind: str, language: str) -> str:
    return fingerprint(round_version(round_), kind, language)


def fingerprint(version: list[Any], kind: str, language: str) -> str:
    return version_hash([version, kind, language])


def round_version(round_: Round) -> list[Any]:
    """What a round's report shows that can change; four queries, whatever the number of respondents."""
    earlier = previous_round(round_)
    releases = dict(
        Release.objects.filter(round__in=[round_.pk] + ([earlier.pk] if earlier else []))
        .values_list("round_id")
        .annotate(latest=Max("pk"))
        .order_by()
    )
    agreed = list(
        AgreedScore.objects.filter(round=round_).order_by("pk").values_list("pk", "theme_code", "score", "recorded_at")
    )
    actions = Action.objects.filter(round=round_).aggregate(n=Count("pk"), latest=Max("updated_at"), ids=Max("pk"))
    return [LAYOUT, "round", round_.pk, releases.get(round_.pk), earlier and earlier.pk,
            earlier and releases.get(earlier.pk), agreed, actions, round_.title, round_.min_group_size]  # fmt: skip


def paper_fingerprint(round_: Round, language: str) -> str:
    from cjgscan.rounds.paper import questionnaire_version

    return version_hash([LAYOUT, "paper", questionnaire_version(round_), language])


def workshop_fingerprint(workshop: Any, language: str) -> str:
    from cjgscan.workshops.models import Note, Vote, Wish

    notes = list(
        Note.objects.filter(question__workshop=workshop)
        .order_by("pk")
        .values_list("pk", "text", "merged_into", "group_id", "group__name")
    )
    wishes = list(Wish.objects.filter(workshop=workshop).order_by("pk").values_list("pk", "text", "theme_id"))
    votes = list(Vote.objects.filter(wish__workshop=workshop).values_list("wish_id").annotate(n=Count("pk")).order_by())
    questions = list(workshop.questions.order_by("pk").values_list("pk", "position", "own_text", "item_id"))
    return version_hash([LAYOUT, "workshop", workshop.pk, language, workshop.title, workshop.status, notes,
                         wishes, sorted(votes), questions])  # fmt: skip


def current_report(organisation_id: int, kind: str, language: str, fingerprint: str) -> StoredReport | None:
    found = StoredReport.objects.filter(
        organisation_id=organisation_id, kind=kind, language=language, fingerprint=fingerprint
    )
    return found.defer("content").first()


def do_request_report(
    organisation_id: int, kind: str, language: str, fingerprint: str, round_: Round | None = None, workshop: Any = None
) -> StoredReport:
    """The stored report for this version, asked of the worker if it is new (or failed before)."""
    from cjgscan.reports.tasks import make_report

    version = {"organisation_id": organisation_id, "kind": kind, "language": language, "fingerprint": fingerprint}
    return do_request_stored(
        StoredReport, version, make_report.enqueue, defer=("content",), round=round_, workshop=workshop
    )

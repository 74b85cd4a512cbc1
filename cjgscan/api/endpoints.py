"""Read endpoints: organisaties, metingen, resultaten, instrumenten. Same tenant and release rules as the pages:
results come from cjgscan.analysis.results only, which reads the round's latest release."""

import uuid
from typing import Any, Literal

from django.db.models import Max
from django.http import Http404, HttpRequest
from ninja import Query, Router

from cjgscan.analysis.results import GROUPS, PROFESSIONS, round_results
from cjgscan.analysis.stats import Score, Summary
from cjgscan.api.auth import api_token, get_membership, get_round
from cjgscan.api.schemas import (
    InstrumentOut,
    InstrumentVersionOut,
    OrganisationOut,
    ResultsOut,
    RoundOut,
)
from cjgscan.instruments.export import version_as_dict
from cjgscan.instruments.models import Instrument, InstrumentVersion
from cjgscan.organisations.models import Membership
from cjgscan.rounds.models import Round

router = Router()


def _organisation(membership: Membership) -> dict[str, Any]:
    org = membership.organisation
    return {
        "uuid": org.uuid,
        "name": org.name,
        "municipality": org.municipality,
        "region": org.region,
        "role": membership.role,
    }


def _round(round_: Round) -> dict[str, Any]:
    return {
        "uuid": round_.uuid,
        "title": round_.title,
        "instrument": round_.version.instrument.slug,
        "instrument_version": round_.version.number,
        "status": round_.status,
        "opens_on": round_.opens_on,
        "closes_on": round_.closes_on,
        "min_group_size": round_.min_group_size,
        "asks_profession": round_.ask_profession,
        "asks_importance": round_.ask_importance,
    }


@router.get("/organisaties", response=list[OrganisationOut], tags=["organisaties"])
def organisation_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The organisations this key reaches, with your role in each."""
    memberships = api_token(request).memberships().order_by("organisation__name")
    return [_organisation(m) for m in memberships]


@router.get("/organisaties/{org_uuid}", response=OrganisationOut, tags=["organisaties"])
def organisation_detail(request: HttpRequest, org_uuid: uuid.UUID) -> dict[str, Any]:
    return _organisation(get_membership(request, org_uuid))


@router.get("/organisaties/{org_uuid}/metingen", response=list[RoundOut], tags=["metingen"])
def round_list(request: HttpRequest, org_uuid: uuid.UUID) -> list[dict[str, Any]]:
    """The organisation's rounds (metingen), newest first."""
    membership = get_membership(request, org_uuid)
    rounds = Round.objects.filter(organisation=membership.organisation).select_related("version__instrument")
    return [_round(r) for r in rounds]


@router.get("/organisaties/{org_uuid}/metingen/{round_uuid}", response=RoundOut, tags=["metingen"])
def round_detail(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> dict[str, Any]:
    return _round(get_round(request, org_uuid, round_uuid)[1])


def _score(column: str, value: Score) -> dict[str, Any]:
    return {
        "column": column,
        "mean": value.mean,
        "percent": value.percent,
        "items": value.items,
        "consensus": value.consensus,
    }


def _item_score(column: str, value: Summary) -> dict[str, Any]:
    return {
        "column": column,
        "n": value.n,
        "mean": value.mean,
        "median": value.median,
        "sd": value.sd,
        "percent": value.percent,
        "dont_know": value.dont_know,
        "not_applicable": value.not_applicable,
        "distribution": {str(point): n for point, n in sorted(value.distribution.items())},
        "consensus": value.consensus,
    }


@router.get("/organisaties/{org_uuid}/metingen/{round_uuid}/resultaten", response=ResultsOut, tags=["resultaten"])
def results(
    request: HttpRequest,
    org_uuid: uuid.UUID,
    round_uuid: uuid.UUID,
    per: Query[Literal["groep", "beroep"]] = "groep",
) -> dict[str, Any]:
    """Scores per key and per characteristic of the round's latest release, for all respondents and for each
    released cell: a group (or profession) on its own or several together, exactly as on the results page. No
    combination of released figures singles out fewer respondents than the minimum. Until the first release
    (at closing, or an interim one), `visible` is false and the lists are empty."""
    _membership, round_ = get_round(request, org_uuid, round_uuid)
    dimension = PROFESSIONS if per == "beroep" and round_.ask_profession else GROUPS
    found = round_results(round_, dimension)
    columns = [c.key for c in found.columns]
    return {
        "round": round_.uuid,
        "per": "beroep" if dimension == PROFESSIONS else "groep",
        "visible": found.visible,
        "release": found.release.release.number if found.release.release else None,
        "released_on": found.release.release.made_on if found.release.release else None,
        "waiting": found.release.waiting,
        "explanations": found.release.explanations,
        "min_group_size": round_.min_group_size,
        "scale_points": found.points,
        "respondents": found.respondents if found.visible else None,
        "columns": [
            {"key": c.key, "label": c.label, "respondents": c.respondents, "together": c.together}
            for c in found.columns
        ],
        "overall": [_score(key, found.overall[key]) for key in columns if key in found.overall],
        "keys": [
            {
                "code": theme.code,
                "number": theme.number,
                "title": theme.title,
                "scores": [_score(key, found.keys[theme.pk][key]) for key in columns],
            }
            for theme in found.themes
            if found.visible
        ],
        "items": [
            {
                "code": item.code,
                "key": theme.code,
                "text": item.text,
                "scores": [_item_score(key, found.items[item.pk][key]) for key in columns],
            }
            for theme in found.themes
            for item in theme.items.all()
            if found.visible
        ],
    }


@router.get("/instrumenten", response=list[InstrumentOut], tags=["instrumenten"])
def instrument_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The loaded instruments, with their version numbers."""
    instruments = Instrument.objects.annotate(latest=Max("versions__number")).filter(latest__isnull=False)
    latest = {v.instrument_id: v for v in InstrumentVersion.objects.latest_per_instrument()}
    numbers: dict[int, list[int]] = {}
    for instrument_id, number in InstrumentVersion.objects.order_by("number").values_list("instrument_id", "number"):
        numbers.setdefault(instrument_id, []).append(number)
    return [
        {
            "slug": i.slug,
            "kind": i.kind,
            "title": latest[i.pk].title,
            "latest_version": i.latest,
            "versions": numbers[i.pk],
        }
        for i in instruments.order_by("slug")
        if i.pk in latest
    ]


@router.get("/instrumenten/{slug}", response=InstrumentVersionOut, tags=["instrumenten"])
def instrument_detail(request: HttpRequest, slug: str, versie: int | None = None) -> dict[str, Any]:
    """One instrument version in full (the newest unless `versie` is given): the same data as
    `cjgscan instrument show SLUG --format json`."""
    versions = InstrumentVersion.objects.filter(instrument__slug=slug).select_related("instrument")
    if versie is not None:
        versions = versions.filter(number=versie)
    version = versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version_as_dict(version)

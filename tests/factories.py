"""Plain test data: make_* functions, no framework."""

from itertools import count
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from cjgscan.instruments.loader import default_files, load_files
from cjgscan.instruments.models import InstrumentVersion
from cjgscan.organisations.models import Membership, Organisation, Role

if TYPE_CHECKING:
    from cjgscan.rounds.models import Round

_numbers = count(1)
PASSWORD = "correct horse battery staple"


def make_user(name: str | None = None, **fields: Any) -> AbstractUser:
    name = name or f"user{next(_numbers)}"
    email = f"{name.lower()}@example.nl"
    user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD, first_name=name, **fields
    )
    return user


def make_organisation(name: str | None = None, **fields: Any) -> Organisation:
    return Organisation.objects.create(name=name or f"CJG Testdorp {next(_numbers)}", **fields)


def make_membership(user: AbstractUser, organisation: Organisation, role: str = Role.LEZER) -> Membership:
    return Membership.objects.create(user=user, organisation=organisation, role=role)


def load_builtin_instruments() -> dict[str, InstrumentVersion]:
    return {result.version.instrument.slug: result.version for result in load_files(default_files())}


def make_round(organisation: Organisation, version: "InstrumentVersion | None" = None, **fields: Any) -> "Round":
    """An open round of the seven keys (loaded if needed) with the six default groups."""
    import datetime

    from django.utils import timezone

    from cjgscan.rounds.models import RespondentGroup, Round, default_groups

    if version is None:
        version = InstrumentVersion.objects.filter(instrument__slug="zeven-sleutels").first()
        if version is None:
            version = load_builtin_instruments()["zeven-sleutels"]
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "title": "Meting najaar",
        "opens_on": today - datetime.timedelta(days=1),
        "closes_on": today + datetime.timedelta(days=30),
        "status": Round.Status.OPEN,
        "scale": version.default_scale(),
    }
    round_ = Round.objects.create(organisation=organisation, version=version, **{**defaults, **fields})
    RespondentGroup.objects.bulk_create(
        RespondentGroup(round=round_, name=name, position=n).with_code_hash()
        for n, (name, chosen) in enumerate(default_groups())
        if chosen
    )
    return round_


def make_response(
    round_: "Round",
    group: Any,
    answers: dict[str, str],
    comments: dict[str, str] | None = None,
    importance: dict[str, int] | None = None,
    submitted: bool = True,
    profession: str = "",
) -> Any:
    """A response with answers by item id ({"S1.K1": "v3", "S1.K2": "dont_know"})."""
    from django.utils import timezone

    from cjgscan.instruments.models import Item, ScaleOption, Theme
    from cjgscan.rounds.models import Answer, Response, ThemeAnswer

    response = Response.objects.create(
        round=round_,
        group=group,
        profession=profession,
        status=Response.Status.SUBMITTED if submitted else Response.Status.IN_PROGRESS,
        submitted_on=timezone.localdate() if submitted else None,
    )
    items = {i.code: i for i in Item.objects.filter(theme__version=round_.version_id)}
    options = {o.code: o for o in ScaleOption.objects.filter(scale=round_.scale_id)}
    Answer.objects.bulk_create(
        Answer(response=response, item=items[code], option=options[value], value=options[value].value)
        for code, value in answers.items()
    )
    themes = {t.code: t for t in Theme.objects.filter(version=round_.version_id)}
    for code in set(comments or {}) | set(importance or {}):
        ThemeAnswer.objects.create(
            response=response,
            theme=themes[code],
            comment=(comments or {}).get(code, ""),
            importance=(importance or {}).get(code),
        )
    return response


def release(round_: "Round", interim: bool = True) -> Any:
    """Take the next release of the round (as a coordinator's "tussenstand" while it is open), so that results
    pages show its submitted answers; returns the release rule's decision."""
    from cjgscan.analysis.released import do_release

    return do_release(round_, interim=interim)


def unrelease(round_: "Round") -> None:
    """Forget the round's releases, as if none had been made (for tests that change the minimum afterwards)."""
    from cjgscan.rounds.models import Release, Response

    Response.objects.filter(round=round_).update(release=None)
    Release.objects.filter(round=round_).delete()

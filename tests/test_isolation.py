"""Tenant isolation, for every URL the app has: another organisation's ids give 404 and none of its data.

The walker iterates get_resolver().url_patterns recursively, so a new feature's URLs are covered without touching
this file: each URL argument is filled with an object of the other organisation (the "victim"). Arguments named
`<thing>_uuid` are filled automatically with an instance of the model called <thing> (any app), created field by
field with the victim's organisation, round, etc. as its parents. A URL that cannot be filled automatically must be
listed in FILLERS or EXEMPT with a reason: the test fails on unknown ones.
"""

import datetime
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cjgscan.organisations.models import Membership, Organisation
from cjgscan.rounds.models import Invitation, Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, make_user

SECRET = "Geheimstad"  # every text of the victim contains it; no reply to an outsider may
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# URL names that take arguments but no organisation's object: why they need no isolation walk.
EXEMPT: dict[str, str] = {
    "respondent_start": "the token is the authorisation; tampered and guessed tokens: tests/test_attacks.py",
    "respondent_group_start": "the token is the authorisation; tampered and guessed tokens: tests/test_attacks.py",
    "password_reset_confirm": "Django's signed reset token; no organisation data",
    "accept_invitation": "the token is the authorisation; guessed, expired and used links: tests/test_members.py",
    "instrument_detail": "public instrument content, the same for everyone",
    "theme_detail": "public instrument content, the same for everyone",
    "instrument_yaml": "public instrument content, the same for everyone",
    "api_instrument_detail": "public instrument content, the same for everyone",
    "demo_mail_list": "the demo's Post page: DEBUG only (404 otherwise, tests/test_demo_outbox.py), no organisation",
    "demo_mail_detail": "the demo's Post page: DEBUG only (404 otherwise, tests/test_demo_outbox.py), no organisation",
}
EXEMPT_PREFIXES = {
    "beheer/": "the Django admin: staff accounts only (is_staff), not organisation members",
}


class World:
    """The victim organisation with one object of each kind, created on demand."""

    def __init__(self, organisation: Organisation, round_: Round, user: Any):
        self.organisation = organisation
        self.objects: dict[type[models.Model], models.Model] = {
            Organisation: organisation,
            Round: round_,
            get_user_model(): user,
        }
        group = round_.groups.first()
        assert group is not None
        self.objects[type(group)] = group
        self.objects[Invitation] = Invitation.objects.create(round=round_, group=group, email="geheimstad@example.nl")

    def instance(self, model: type[models.Model]) -> models.Model:
        if model is Membership and model not in self.objects:  # one membership per user and organisation
            existing = Membership.objects.filter(organisation=self.organisation).first()
            if existing is not None:
                self.objects[model] = existing
        if model not in self.objects:
            self.objects[model] = self.create(model)
        return self.objects[model]

    def create(self, model: type[models.Model]) -> models.Model:
        """An instance with every required field filled: parents from this world, texts holding SECRET."""
        values: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            if field.is_relation:
                related = field.related_model
                assert isinstance(related, type)
                if not field.null or related in self.objects or related is Organisation:
                    values[field.name] = self.instance(related)
                continue
            if field.choices:
                if not field.has_default():
                    values[field.name] = field.choices[0][0]
            elif isinstance(field, models.EmailField):
                values[field.name] = f"{SECRET.lower()}@example.nl"
            elif isinstance(field, models.CharField | models.TextField):
                if not field.has_default() or field.default == "":
                    values[field.name] = f"{SECRET} {model.__name__}"[: field.max_length or 100]
            elif field.has_default() or field.null:
                continue
            elif isinstance(field, models.DateTimeField):
                values[field.name] = timezone.now()
            elif isinstance(field, models.DateField):
                values[field.name] = timezone.localdate()
            elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
                values[field.name] = 1
            elif isinstance(field, models.BooleanField):
                values[field.name] = False
            elif isinstance(field, models.JSONField):
                values[field.name] = {}
            elif isinstance(field, models.UUIDField):
                values[field.name] = uuid.uuid4()
        return model.objects.create(**values)


def model_for(argument: str) -> type[models.Model] | None:
    """`workshop_uuid` → the model named Workshop that has a uuid field (any app); else the one model whose name
    ends so (`question_uuid` → WorkshopQuestion, `group_uuid` → RespondentGroup)."""
    wanted = argument.removesuffix("_uuid").replace("_", "")
    candidates = [m for m in apps.get_models() if any(f.name == "uuid" for f in m._meta.fields)]
    exact = [m for m in candidates if m.__name__.lower() == wanted]
    ending = [m for m in candidates if m.__name__.lower().endswith(wanted)]
    found = exact or ending
    return found[0] if len(found) == 1 else None


# Arguments that are not `<model>_uuid`: a value belonging to (or pointing into) the victim.
FILLERS: dict[str, Callable[[World], Any]] = {
    "page": lambda world: 1,
    "code": lambda world: "S1",
    "slug": lambda world: "zeven-sleutels",
    "fmt": lambda world: "csv",
    "chart": lambda world: "radar",
    "item_code": lambda world: "S1.K1",
}


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str | None, list[str]]]:
    """(route, name, argument names) of every URL pattern, through every include."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name, [m.group("name") for m in CONVERTER.finditer(route)]


def fill(route: str, values: dict[str, Any]) -> str:
    return "/" + CONVERTER.sub(lambda m: str(values[m.group("name")]), route).lstrip("^").rstrip("$")


class IsolationTests(BaseTestCase):
    def setUp(self) -> None:
        victim_org = Organisation.objects.create(name=f"CJG {SECRET}")
        victim_user = make_user(f"Beheerder{SECRET}")
        self.victim_round = make_round(victim_org, title=f"Meting {SECRET}")
        for group in self.victim_round.groups.all():
            for n in range(5):
                make_response(self.victim_round, group, {"S1.K1": f"v{n % 4 + 1}"}, comments={"S1": f"{SECRET} {n}"})
        self.world = World(victim_org, self.victim_round, victim_user)
        self.own_round = make_round(self.org_a, title="Eigen meting")

    def argument_value(self, argument: str, route: str, own: bool, random: bool = False) -> Any:
        """The victim's value for an argument; with own=True the user's own organisation for org_uuid; with
        random=True a uuid that exists nowhere instead of each of the victim's objects."""
        if argument == "org_uuid" and own:
            return self.org_a.uuid
        if argument in FILLERS:
            return FILLERS[argument](self.world)
        if random:
            return uuid.uuid4()
        if argument == "org_uuid":
            return self.world.organisation.uuid
        model = model_for(argument)
        if model is None:
            raise AssertionError(
                f"{route}: cannot fill <{argument}> automatically; add it to FILLERS or the URL to EXEMPT in "
                "tests/test_isolation.py, with a reason"
            )
        return self.world.instance(model).uuid

    def api_headers(self, user: Any) -> dict[str, str]:
        """A personal API key for the API's URLs, if the API app is installed."""
        if not apps.is_installed("cjgscan.api"):
            return {}
        from cjgscan.api.models import ApiToken

        scope = ApiToken.Scope.values[-1]
        _token, secret = ApiToken.issue(user, "isolation", scope, None)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def walk_as(self, client: Client, headers: dict[str, str], label: str) -> tuple[int, list[str]]:
        """Every URL with ids, GET and POST, with the victim's ids and with ids that exist nowhere.

        With the victim's organisation in the URL the reply is 404. With the user's own organisation and the victim's
        other ids (or on URLs without an organisation) it may also be a 403 of the user's role or a 405, but never a
        success, never the victim's data, and always the same reply as for ids that do not exist: nothing tells
        that the victim's object exists."""
        checked, problems = 0, []
        for route, name, arguments in walk(get_resolver().url_patterns):
            if not arguments or name in EXEMPT or any(route.startswith(p) for p in EXEMPT_PREFIXES):
                continue
            object_ids = [a for a in arguments if a != "org_uuid" and a not in FILLERS]
            variants = [False] + ([True] if "org_uuid" in arguments and object_ids else [])
            for own in variants:
                victim = fill(route, {a: self.argument_value(a, route, own) for a in arguments})
                nowhere = fill(route, {a: self.argument_value(a, route, own, random=True) for a in arguments})
                statuses = []
                for method in ("get", "post"):
                    reply = getattr(client, method)(victim, **headers)
                    body = b"".join(reply) if getattr(reply, "streaming", False) else reply.content
                    if SECRET.encode() in body or SECRET.lower().encode() in body:
                        problems.append(f"{label} {method.upper()} {victim} ({name}): shows the other's data")
                    baseline = getattr(client, method)(nowhere, **headers).status_code
                    statuses.append(reply.status_code)
                    if reply.status_code != baseline:
                        problems.append(
                            f"{label} {method.upper()} {victim} ({name}): {reply.status_code}, "
                            f"but {baseline} for ids that do not exist"
                        )
                    if reply.status_code < 400 and not (label == "anonymous" and reply.status_code == 302):
                        problems.append(f"{label} {method.upper()} {victim} ({name}): {reply.status_code}")
                checked += 1
                if label != "anonymous" and "org_uuid" in arguments and not own and 404 not in statuses:
                    problems.append(f"{label} {victim} ({name}): {statuses}, expected 404")
        return checked, problems

    def test_every_url_with_an_id_of_another_organisation_is_404_for_every_role(self) -> None:
        total, problems = 0, []
        for user in (self.alice, self.carol, self.bob):  # beheerder, coordinator, lezer of A
            client = Client()
            client.force_login(user)
            checked, found = self.walk_as(client, self.api_headers(user), str(user.first_name))
            total += checked
            problems += found
        assert total > 150
        assert problems == [], "\n".join(problems)

    def test_anonymous_visitors_get_nothing_either(self) -> None:
        checked, problems = self.walk_as(Client(), {}, "anonymous")
        assert checked > 50
        assert problems == [], "\n".join(problems)

    def test_another_organisations_data_changes_none_of_the_figures(self) -> None:
        group = self.own_round.groups.first()
        for n in range(6):
            make_response(self.own_round, group, {"S1.K1": f"v{n % 4 + 1}", "S2.K1": "v3"})
        client = Client()
        client.force_login(self.alice)
        pages = [
            f"/o/{self.org_a.uuid}/",
            f"/o/{self.org_a.uuid}/metingen/",
            f"/o/{self.org_a.uuid}/metingen/{self.own_round.uuid}/",
            f"/o/{self.org_a.uuid}/metingen/{self.own_round.uuid}/resultaten/",
            f"/o/{self.org_a.uuid}/metingen/{self.own_round.uuid}/resultaten/S1/",
        ]

        def capture() -> list[str]:
            texts = []
            for page in pages:
                reply = client.get(page)
                assert reply.status_code == 200, page
                texts.append(re.sub(r'value="[^"]{20,}"', "", reply.content.decode()))
            return texts

        before = capture()
        # The other organisation gets a round of the same instrument with many more, very different answers.
        other = make_round(
            self.world.organisation, title=f"Nog een meting {SECRET}", opens_on=datetime.date(2020, 1, 1)
        )
        for other_group, _n in itertools.product(other.groups.all(), range(8)):
            make_response(other, other_group, {"S1.K1": "v1", "S2.K1": "v1"}, comments={"S1": SECRET})
        assert capture() == before

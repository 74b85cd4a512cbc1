"""Rules that hold on every POST URL the app has, found by walking the URL resolver (as tests/test_isolation.py
does), so that a new form is covered without touching this file:

- CSRF: a POST without the token is refused (403, Django's CSRF failure page) on every URL, except the API,
  which authenticates by key and never by the session cookie (tests/test_api.py).
- Role: a *lezer* (read-only member) gets 403 on every POST to an organisation's URL, with that organisation's
  own objects in it; the few POSTs a reader may make (logging out, the language, the own API keys, answering a
  questionnaire or joining a work session like anyone) are listed in READER_MAY_POST with the reason.
"""

import uuid
from typing import Any

from django.test import Client
from django.urls import get_resolver

from cjgscan.rounds.models import Answer, Round
from tests import test_isolation as isolation
from tests.base import BaseTestCase
from tests.factories import make_response, make_round

CSRF_EXEMPT_PREFIXES = {
    "api/v1/": "the API authenticates by key (Authorization: Bearer), never by the session cookie",
}
# Django's admin (staff only) is Django's own code; its forms carry Django's CSRF protection, walked here too
# where the route can be filled, and skipped where it is a regular expression (the admin's catch-all).
REGEX_ROUTE = "(?P<"

# POSTs a reader may make, by URL name, with the reason (each is also not about the organisation's data).
READER_MAY_POST: dict[str, str] = {
    "login": "signing in (Django's login)",
    "logout": "signing out",
    "set_language": "choosing the language of the pages",
    "password_reset": "asking for a reset link: for anyone, by address",
    "password_reset_confirm": "setting a new password with the link from the e-mail",
    "api_token_list": "making an API key for oneself; the key has no more rights than the role (tests/test_api.py)",
    "api_token_revoke": "revoking one's own API key",
    "workshop_join": "joining a work session with its code, like any participant",
    "respondent_resume_code": "a respondent going on with a resume code on another device, like anyone with one",
    "account": "one's own name and e-mail address (tests/test_two_factor.py)",
    "account_language": "one's own language",
    "password_change": "one's own password (Django's view)",
    "two_factor_setup": "one's own two-factor sign-in",
    "two_factor_disable": "switching off one's own two-factor sign-in, with the password",
    "login_code": "the second step of one's own sign-in",
    "round_report": "asking for the board report: every member may read it, the worker makes it",
    "workshop_report_pdf": "asking for the werksessie report as PDF: every member may read it, the worker makes it",
    "paper_questionnaire": "asking for the questionnaire to print: every member may print it, the worker makes it",
}


def filled(route: str) -> str:
    """The route with every argument filled with a value its converter accepts."""

    def value(match: Any) -> str:
        converter = match.group("converter")
        if converter == "uuid":
            return str(uuid.uuid4())
        if converter == "int":
            return "1"
        return "x"

    return "/" + isolation.CONVERTER.sub(value, route).lstrip("^").rstrip("$")


class CsrfWalkerTests(BaseTestCase):
    def test_every_post_url_needs_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        checked, problems = 0, []
        for route, name, _arguments in isolation.walk(get_resolver().url_patterns):
            if REGEX_ROUTE in route or any(route.startswith(prefix) for prefix in CSRF_EXEMPT_PREFIXES):
                continue
            url = filled(route)
            reply = client.post(url, {"title": "Gekaapt", "name": "Gekaapt", "confirm": "on"})
            checked += 1
            if reply.status_code != 403 or "403_csrf.html" not in [t.name for t in reply.templates]:
                problems.append(f"POST {url} ({name}): {reply.status_code} without a CSRF token")
        assert checked > 80, checked
        assert problems == [], "\n".join(problems)

    def test_the_exempt_api_does_not_accept_the_session(self) -> None:
        """Why the API may skip CSRF: a browser's cookie does not authenticate it."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        reply = client.post(
            f"/api/v1/organisaties/{self.org_a.uuid}/acties", data='{"title": "x"}', content_type="application/json"
        )
        assert reply.status_code == 401


class ReaderWalkerTests(BaseTestCase):
    def setUp(self) -> None:
        self.round = make_round(self.org_a, title="Eigen meting")
        for group in self.round.groups.all():
            for n in range(5):
                make_response(self.round, group, {"S1.K1": f"v{n % 4 + 1}"})
        self.world = isolation.World(self.org_a, self.round, self.alice)
        # The real instrument content, so that pages the reader may see render (made-up slugs do not reverse).
        version = self.round.version
        theme = version.themes.order_by("number").first()
        assert theme is not None
        for instance in (version.instrument, version, self.round.scale, theme, theme.items.first()):
            assert instance is not None
            self.world.objects[type(instance)] = instance

    def value(self, argument: str, route: str) -> Any:
        if argument == "org_uuid":
            return self.org_a.uuid
        if argument in isolation.FILLERS:
            return isolation.FILLERS[argument](self.world)
        model = isolation.model_for(argument)
        if model is None:
            return "x"  # a token: the reader has none that works, which the walk reports as 404
        return self.world.instance(model).uuid

    def test_a_reader_gets_403_on_every_post_to_the_organisation(self) -> None:
        client = Client()
        client.force_login(self.bob)  # lezer of A
        answers = Answer.objects.count()
        checked, problems, allowed = 0, [], set()
        for route, name, arguments in isolation.walk(get_resolver().url_patterns):
            if REGEX_ROUTE in route or route.startswith(("beheer/", "api/v1/")):
                continue  # the admin is for staff only (is_staff); the API: tests/test_api.py
            url = isolation.fill(route, {a: self.value(a, route) for a in arguments})
            reply = client.post(url, {"title": "Gewijzigd", "name": "Gewijzigd", "confirm": "on", "phase": "do"})
            checked += 1
            if name == "logout":
                client.force_login(self.bob)
            if name in READER_MAY_POST:
                allowed.add(name)
                continue
            # Inside the organisation: 403, or 405 where the URL takes no POST at all. Outside it (a respondent's
            # or participant's page), nothing the reader could change: 403, 404 or 405.
            expected = (403, 405) if "org_uuid" in arguments else (403, 404, 405)
            if reply.status_code not in expected:
                problems.append(f"POST {url} ({name}): {reply.status_code} for a reader")
        assert checked > 80, checked
        assert problems == [], "\n".join(problems)
        assert allowed == set(READER_MAY_POST), "the allow-list names URLs that no longer exist"
        assert Answer.objects.count() == answers
        round_ = Round.objects.get(pk=self.round.pk)
        assert (round_.title, round_.status) == ("Eigen meting", self.round.status)

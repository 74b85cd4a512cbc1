"""Helpers for tests that play a respondent."""

import re

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from cjgscan.rounds.models import Invitation, RespondentGroup, Response, Round

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def invite(round_: Round, group: RespondentGroup, email: str = "resp@example.nl") -> tuple[Invitation, str]:
    invitation = Invitation.objects.create(round=round_, group=group, email=email)
    return invitation, invitation.token()


def press_start(client: Client, url: str) -> HttpResponse:
    """What a respondent does with a link: open it (a page that changes nothing), then press its start button
    (a POST with the page's CSRF token, so that clients that enforce CSRF checks pass too)."""
    landing = client.get(url)
    assert landing.status_code == 200, (landing.status_code, landing.content[:2000])
    match = CSRF_FIELD.search(landing.content.decode())
    assert match, landing.content[:2000]
    return client.post(url, {"csrfmiddlewaretoken": match.group(1)})  # type: ignore[return-value]


def start(client: Client, token: str) -> Response:
    """Open a personal link and start; return the response it started."""
    reply = press_start(client, reverse("respondent_start", args=[token]))
    assert reply.status_code == 302, reply.content
    return Response.objects.get(token_hash=Response.hash_token(token))


def start_group(client: Client, token_or_code: str) -> HttpResponse:
    """Open a group link (its signed token or its short code) and start; the reply to the start button."""
    return press_start(client, reverse("respondent_group_start", args=[token_or_code]))


def page_url(round_: Round, page: int) -> str:
    return reverse("respondent_page", args=[round_.uuid, page])

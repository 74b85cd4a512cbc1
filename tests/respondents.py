"""Helpers for tests that play a respondent."""

from django.test import Client
from django.urls import reverse

from cjgscan.rounds.models import Invitation, RespondentGroup, Response, Round


def invite(round_: Round, group: RespondentGroup, email: str = "resp@example.nl") -> tuple[Invitation, str]:
    invitation = Invitation.objects.create(round=round_, group=group, email=email)
    return invitation, invitation.token()


def start(client: Client, token: str) -> Response:
    """Open a personal link; return the response it started."""
    reply = client.get(reverse("respondent_start", args=[token]))
    assert reply.status_code == 302, reply.content
    return Response.objects.get(token_hash=Response.hash_token(token))


def page_url(round_: Round, page: int) -> str:
    return reverse("respondent_page", args=[round_.uuid, page])

"""The response of a round as a whole, for the round page: personal links, group links and paper apart.

Only round totals: per-group figures of an open round, shown live, would tell in which group the person who
just submitted is (issue 10, finding 6). Per-group counts come from the release module, which decides what a
round may show (see `released_group_counts` in views.round_detail).
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from cjgscan.rounds.invitations import PersonalTotals
from cjgscan.rounds.models import Response, Round


@dataclass
class RoundTotals:
    personal: PersonalTotals
    link_in_progress: int
    link_answered: int
    paper: int

    @property
    def answered(self) -> int:
        return self.personal.answered + self.link_answered + self.paper

    @property
    def in_progress(self) -> int:
        return self.personal.in_progress + self.link_in_progress


def round_totals(round_: Round) -> RoundTotals:
    """Two grouped queries: the round's responses by channel and status, its invitations."""
    channel, submitted = Response.Channel, Q(status=Response.Status.SUBMITTED)
    in_progress = Q(status=Response.Status.IN_PROGRESS)
    counts = round_.responses.aggregate(
        personal_in_progress=Count("pk", filter=Q(channel=channel.PERSONAL) & in_progress),
        personal_answered=Count("pk", filter=Q(channel=channel.PERSONAL) & submitted),
        link_in_progress=Count("pk", filter=Q(channel=channel.ONLINE) & in_progress),
        link_answered=Count("pk", filter=Q(channel=channel.ONLINE) & submitted),
        paper=Count("pk", filter=Q(channel=channel.PAPER) & submitted),
    )
    invitations = round_.invitations.aggregate(invited=Count("pk"), emailed=Count("pk", filter=Q(send_count__gt=0)))
    personal = PersonalTotals(
        invited=invitations["invited"],
        emailed=invitations["emailed"],
        in_progress=counts["personal_in_progress"],
        answered=counts["personal_answered"],
    )
    return RoundTotals(personal, counts["link_in_progress"], counts["link_answered"], counts["paper"])

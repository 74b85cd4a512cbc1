from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from cjgscan.rounds.models import Invitation, RespondentGroup, Response, Round


@dataclass
class GroupProgress:
    group: RespondentGroup
    invited: int
    started: int
    finished: int

    @property
    def rate(self) -> int | None:
        """Finished as a percentage of the invited, when there are personal invitations."""
        return round(100 * self.finished / self.invited) if self.invited else None


def round_progress(round_: Round) -> list[GroupProgress]:
    """Per group: invited, started (not finished) and finished, in one grouped query."""
    invited = (
        Invitation.objects.filter(group=OuterRef("pk")).order_by().values("group").annotate(n=Count("pk")).values("n")
    )
    groups = round_.groups.annotate(
        started=Count("responses", filter=Q(responses__status=Response.Status.IN_PROGRESS)),
        finished=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
        invited=Coalesce(Subquery(invited, output_field=IntegerField()), Value(0)),
    )
    return [GroupProgress(g, g.invited, g.started, g.finished) for g in groups]

"""The organisation page as a cockpit: the current round, what needs attention, the latest results at a glance and,
for a new organisation, the steps to take. A fixed number of queries whatever the number of rounds or actions.

Response per group comes from the latest release only (cjgscan.analysis.released), as on the round page: two looks
around one submission must not tell that person's group. The results at a glance are those of the results page
(cjgscan.analysis.discuss), of the newest round that has a release.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from cjgscan.analysis.discuss import Summary
from cjgscan.analysis.discuss_results import discussion
from cjgscan.analysis.released import released_group_counts
from cjgscan.analysis.results import ALL, round_results
from cjgscan.analysis.stats import Score
from cjgscan.development.models import Action, AgreedScore
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Invitation, Release, Round
from cjgscan.workshops.models import Workshop

CLOSING_SOON_DAYS = 7
LISTED = 5  # at most this many actions or rounds per attention line; the count says how many there are


@dataclass
class Step:
    key: str  # round, invite, response, discuss, plan
    done: bool


@dataclass
class LatestResults:
    round: Round
    overall: Score
    summary: Summary
    respondents: int


@dataclass
class Cockpit:
    current: Round | None = None
    days_left: int | None = None
    current_counts: list[tuple[str, int]] = field(default_factory=list)
    current_has_release: bool = False
    overdue: list[Action] = field(default_factory=list)
    overdue_count: int = 0
    to_check: list[Action] = field(default_factory=list)
    to_check_count: int = 0
    closing_soon: list[Round] = field(default_factory=list)
    latest: LatestResults | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def attention(self) -> bool:
        return bool(self.overdue_count or self.to_check_count or self.closing_soon)

    @property
    def new(self) -> bool:
        """Steps are shown until the organisation has gone round the cycle once (a plan with an action)."""
        return not all(step.done for step in self.steps)


def cockpit(organisation: Organisation, today: datetime.date) -> Cockpit:
    page = Cockpit()
    released = Release.objects.filter(round=OuterRef("pk"))
    rounds = list(
        Round.objects.filter(organisation=organisation)
        .annotate(has_release=Exists(released))
        .select_related("version__instrument")
        .order_by("-opens_on", "-created")
    )
    # The current round: an open one (closing first), else one being prepared, else the newest.
    open_rounds = sorted((r for r in rounds if r.status == Round.Status.OPEN), key=lambda r: (r.closes_on, r.pk))
    drafts = [r for r in rounds if r.status == Round.Status.DRAFT]
    current = open_rounds or drafts or rounds
    page.current = current[0] if current else None
    if page.current is not None:
        if page.current.status == Round.Status.OPEN:
            page.days_left = (page.current.closes_on - today).days
        page.current_has_release = page.current.has_release
        if page.current.has_release:
            page.current_counts = released_group_counts(page.current)
    page.closing_soon = [r for r in open_rounds if 0 <= (r.closes_on - today).days <= CLOSING_SOON_DAYS]

    actions = Action.objects.filter(organisation=organisation)
    overdue = actions.filter(due_on__lt=today, phase__in=[Action.Phase.PLAN, Action.Phase.DO]).order_by("due_on")
    to_check = actions.filter(phase=Action.Phase.CHECK).order_by("due_on", "created_at")
    page.overdue = list(overdue[:LISTED])
    page.to_check = list(to_check[:LISTED])
    counts = actions.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today, phase__in=[Action.Phase.PLAN, Action.Phase.DO])),
        to_check=Count("pk", filter=Q(phase=Action.Phase.CHECK)),
        total=Count("pk"),
    )
    page.overdue_count, page.to_check_count = counts["overdue"], counts["to_check"]

    latest_round = next((r for r in rounds if r.has_release and r.version.instrument.kind == "scan"), None)
    if latest_round is not None:
        results = round_results(latest_round)
        if results.visible:
            page.latest = LatestResults(latest_round, results.overall[ALL], discussion(results).summary,
                                        results.respondents)  # fmt: skip

    # Three yes/no questions in one query.
    flags = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            invited=Exists(Invitation.objects.filter(round__organisation=OuterRef("pk"))),
            agreed=Exists(AgreedScore.objects.filter(round__organisation=OuterRef("pk"))),
            workshop=Exists(Workshop.objects.filter(organisation=OuterRef("pk"))),
        )
        .values("invited", "agreed", "workshop")
        .get()
    )
    invited, discussed = flags["invited"], flags["agreed"] or flags["workshop"]
    page.steps = [
        Step("round", bool(rounds)),
        Step("invite", invited or any(r.status != Round.Status.DRAFT for r in rounds)),
        Step("response", any(r.has_release for r in rounds)),
        Step("discuss", discussed),
        Step("plan", counts["total"] > 0),
    ]
    return page

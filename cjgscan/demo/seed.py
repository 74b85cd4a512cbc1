"""The demo organisations of `cjgscan demo`: CJG Demodorp with two closed rounds of the seven keys, agreed
scores, an action plan, a finished work session and an open round; CJG Voorbeeldstad beside it for the consultant.

Respondents answer through the respondent's own functions (start, save per page, submit) and rounds are closed
the way a coordinator closes them, so the releases are made by the release rule. Answers come from a seeded
random generator: seeding twice gives the same figures. Dates are relative to the day of seeding; a closed round
is answered while it is open (as it must be) and then moved back to its period in the past.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cjgscan.development.models import Action, ActionNote, AgreedScore
from cjgscan.development.services import create_action
from cjgscan.instruments.models import InstrumentVersion, Scale
from cjgscan.lib.tokens import new_token
from cjgscan.organisations.models import Membership, Organisation, Role
from cjgscan.rounds.actions import do_create_round, do_set_status
from cjgscan.rounds.answers import Questionnaire, save_answers
from cjgscan.rounds.invitations import do_add_invitations, do_queue_mailing
from cjgscan.rounds.models import Release, RespondentGroup, Response, Round
from cjgscan.rounds.respondent import do_submit
from cjgscan.rounds.respondent_links import do_start_response
from cjgscan.rounds.retention import delete_round
from cjgscan.workshops import actions as workshop_actions
from cjgscan.workshops.models import Workshop

DEMO_ORGANISATION = "CJG Demodorp"
SECOND_ORGANISATION = "CJG Voorbeeldstad"
PASSWORD = "demodorp-2026"  # noqa: S105 (printed on purpose: a local demo)
SEED = 2026


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...]  # (organisation name, role)


USERS = (
    DemoUser("beheerder@demodorp.nl", "Demo", "Beheerder", ((DEMO_ORGANISATION, Role.BEHEERDER),)),
    DemoUser("coordinator@demodorp.nl", "Cora", "Coördinator", ((DEMO_ORGANISATION, Role.COORDINATOR),)),
    DemoUser("lezer@demodorp.nl", "Lex", "Lezer", ((DEMO_ORGANISATION, Role.LEZER),)),
    DemoUser(
        "adviseur@demo.nl",
        "Ada",
        "Adviseur",
        ((DEMO_ORGANISATION, Role.COORDINATOR), (SECOND_ORGANISATION, Role.BEHEERDER)),
    ),
)


@dataclass(frozen=True)
class GroupPlan:
    """How a group answers: how many take part, its mean per key (1-4 scale), its professions."""

    name: str
    size: int
    means: Sequence[float]  # per key S1..S7
    professions: Sequence[str] = ()


# Management and the board see the CJG brighter than the staff and partners do on keys 3 and 6 ("what the CJG
# shows", "the organisation"); the municipality is critical on key 1 (why). The board is too small to be shown
# on its own, so the release shows it together with another group.
RECENT_GROUPS = (
    GroupPlan("CJG-management", 8, (3.4, 3.1, 3.5, 3.0, 3.2, 3.6, 3.0)),
    GroupPlan("JGZ-medewerkers", 14, (3.0, 2.8, 2.2, 2.9, 2.6, 2.1, 2.7), ("S4.B1", "S4.B2", "S4.B3")),
    GroupPlan("Overige CJG-medewerkers", 12, (2.9, 2.6, 2.3, 2.7, 2.8, 2.2, 2.5), ("S4.B4", "S4.B5", "S4.B6")),
    GroupPlan("Partnerorganisaties", 13, (2.6, 2.4, 2.0, 2.5, 2.2, 2.3, 2.6)),
    GroupPlan("Gemeente (beleid)", 9, (2.1, 2.7, 2.9, 2.6, 2.4, 3.0, 2.8)),
    GroupPlan("Bestuur en politiek", 4, (3.5, 3.2, 3.6, 3.1, 3.0, 3.5, 3.2)),
)
# A year earlier everything was lower, keys 3 and 6 most (where the actions were aimed).
EARLIER_SHIFT = (-0.3, -0.2, -0.6, -0.2, -0.3, -0.6, -0.2)
EARLIER_SIZES = (7, 12, 11, 12, 8, 3)

COMMENTS = {
    "S1": ["De missie hangt aan de muur, maar wordt weinig besproken.", "Iedereen kent het waarom van het CJG."],
    "S2": ["Het aanbod is breed; de samenhang kan beter.", "Ouders weten ons goed te vinden."],
    "S3": [
        "Wat we bereiken wordt nauwelijks zichtbaar gemaakt.",
        "Resultaten delen we alleen intern.",
        "Geen jaarverslag dat partners lezen.",
    ],
    "S4": ["Goede sfeer in het team.", "Meer tijd voor intervisie zou helpen."],
    "S5": ["De samenwerking met het onderwijs groeit.", "Partners weten niet altijd wie ze moeten bellen."],
    "S6": ["Sturing en verantwoording zijn niet helder belegd.", "De stuurgroep komt te weinig bij elkaar."],
    "S7": ["Financiering is voor twee jaar zeker.", "Huisvesting op drie plekken maakt het lastig."],
}


def _scale(version: InstrumentVersion) -> Scale:
    scale = version.default_scale()
    assert scale is not None, "the seven keys have a default scale"
    return scale


def _today() -> datetime.date:
    return timezone.localdate()


def _option(rng: random.Random, mean: float) -> str:
    """An answer code near `mean` on the 4-point scale, now and then "don't know"."""
    if rng.random() < 0.04:
        return "dont_know"
    value = round(rng.gauss(mean, 0.7))
    return f"v{min(4, max(1, value))}"


def answer_as_respondent(round_: Round, group: RespondentGroup, plan: GroupPlan, rng: random.Random) -> None:
    """One respondent through the questionnaire's own functions: start as from the group link, fill in every
    page (checked by the questionnaire's parser, saved as one autosave would), send."""
    token = new_token()
    do_start_response(round_, group, token, Response.Channel.ONLINE)
    response_id = Response.objects.values_list("pk", flat=True).get(token_hash=Response.hash_token(token))
    questionnaire = Questionnaire(round_)
    data: dict[str, str] = {}
    if round_.ask_profession:
        data["profession"] = rng.choice(plan.professions) if plan.professions else ""
    for number, theme in enumerate(questionnaire.themes, start=1):
        mean = plan.means[number - 1]
        data |= {f"item-{item.code}": _option(rng, mean) for item in theme.items.all()}
        if round_.ask_importance:
            importance = round(rng.gauss(3.6 + (theme.code in ("S3", "S6")), 0.8))
            data[f"importance-{theme.code}"] = str(min(5, max(1, importance)))
        if rng.random() < 0.18:
            data[f"comment-{theme.code}"] = rng.choice(COMMENTS[theme.code])
    parsed = questionnaire.parse(data)
    assert not parsed.errors, parsed.errors
    # One save for the whole questionnaire (as the paper entry screen does): the same function, a fraction of
    # the time of a save per page.
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response_id)
        save_answers(response, parsed, page=questionnaire.page_count + 1)
    do_submit(response_id)


def _closed_round(
    organisation: Organisation,
    version: InstrumentVersion,
    title: str,
    groups: Sequence[GroupPlan],
    opens_on: datetime.date,
    rng: random.Random,
) -> Round:
    """A round answered while open, closed (which releases it), then moved back to its period."""
    today = _today()
    round_ = do_create_round(
        organisation,
        version,
        _scale(version),
        [plan.name for plan in groups],
        title=title,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=28),
        ask_profession=True,
        ask_importance=True,
    )
    do_set_status(round_.pk, Round.Status.OPEN)
    round_.refresh_from_db()
    by_name = {group.name: group for group in round_.groups.all()}
    for plan in groups:
        for _n in range(plan.size):
            answer_as_respondent(round_, by_name[plan.name], plan, rng)
    do_set_status(round_.pk, Round.Status.CLOSED)
    # Back to its period: dates only (days, as everywhere), the figures stay as released.
    closes_on = opens_on + datetime.timedelta(days=28)
    Round.objects.filter(pk=round_.pk).update(opens_on=opens_on, closes_on=closes_on)
    Response.objects.filter(round=round_).update(started_on=opens_on, submitted_on=closes_on)
    Release.objects.filter(round=round_).update(made_on=closes_on)
    round_.refresh_from_db()
    return round_


def _users() -> dict[str, Any]:
    users = {}
    hashed = make_password(PASSWORD)  # once: a password hash takes about a second, on purpose
    for spec in USERS:
        user, _created = get_user_model().objects.get_or_create(
            username=spec.email,
            defaults={"email": spec.email, "first_name": spec.first_name, "last_name": spec.last_name},
        )
        user.password = hashed
        user.save(update_fields=["password"])
        users[spec.email] = user
    return users


def _memberships(organisations: dict[str, Organisation], users: dict[str, Any]) -> None:
    for spec in USERS:
        for name, role in spec.memberships:
            Membership.objects.update_or_create(
                user=users[spec.email], organisation=organisations[name], defaults={"role": role}
            )


def _plan(organisation: Organisation, earlier: Round, recent: Round, users: dict[str, Any]) -> None:
    """Agreed scores for the recent round and six actions over the four phases."""
    today = _today()
    owner = users["coordinator@demodorp.nl"]
    agreed = {
        "S1": ("3.0", "De missie is bekend; de gemeente wil haar scherper terugzien in de jaarplannen."),
        "S3": ("2.5", "We zijn het eens dat resultaten nog te weinig zichtbaar zijn, ook al is het beter."),
        "S6": ("2.5", "Management kijkt positiever dan de teams; we kiezen het midden en werken aan sturing."),
    }
    for code, (score, reasoning) in agreed.items():
        AgreedScore.objects.create(round=recent, theme_code=code, score=score, reasoning=reasoning, recorded_by=owner)
    specs = [
        # title, key, characteristic, round, phase, starts (days from today), due
        ("Jaarlijks resultatenverslag voor partners", "S3", "S3.K1", earlier, Action.Phase.CHECK, -300, -100),
        ("Stuurgroep vier keer per jaar", "S6", "S6.K1", earlier, Action.Phase.ACT, -320, -150),
        ("Missie bespreken in elk teamoverleg", "S1", "S1.K1", recent, Action.Phase.DO, -60, 30),
        ("Intervisie voor alle medewerkers", "S4", "", recent, Action.Phase.DO, -90, -10),
        ("Eén contactpersoon per partnerorganisatie", "S5", "S5.K1", recent, Action.Phase.PLAN, 14, 90),
        ("Huisvesting op één locatie onderzoeken", "S7", "", recent, Action.Phase.PLAN, 30, 180),
    ]
    for title, theme_code, item_code, round_, phase, starts, due in specs:
        action = create_action(
            organisation,
            title=title,
            theme_code=theme_code,
            item_code=item_code,
            round=round_,
            source=round_.title,
            owner=owner,
        )
        Action.objects.filter(pk=action.pk).update(
            phase=phase,
            starts_on=today + datetime.timedelta(days=starts),
            due_on=today + datetime.timedelta(days=due),
        )
        if phase in (Action.Phase.CHECK, Action.Phase.ACT):
            ActionNote.objects.create(
                action=action,
                noted_on=today + datetime.timedelta(days=due),
                text="Uitgevoerd; in de nieuwe meting kijken we of het effect heeft.",
                author=owner,
            )


def _workshop(organisation: Organisation, held_on: datetime.date, rng: random.Random) -> Workshop:
    """A finished work session on the five pillars: two questions per pillar, notes, wishes, votes, ended."""
    version = InstrumentVersion.objects.latest_per_instrument().get(instrument__slug="vijf-pijlers")
    pillars = list(version.themes.order_by("number"))
    items = [item for pillar in pillars for item in pillar.items.order_by("position")[:2]]
    workshop = workshop_actions.do_create_workshop(
        organisation, version, pillars, items, title="Werksessie ontwikkelagenda", held_on=held_on
    )
    names = ["Anouk", "Bram", "Chantal", "Daan", "Esra", "Fleur", "Gijs", "Hanneke"]
    participants = [workshop_actions.do_join(workshop, name)[0] for name in names]
    notes = [
        "Meer zichtbaar zijn in de wijk",
        "Samen met het onderwijs optrekken",
        "Ouders vaker om feedback vragen",
        "Eén gezicht naar partners",
        "Resultaten delen met de raad",
        "Ruimte voor nieuwe ideeën",
    ]
    for question in workshop_actions.ordered_questions(workshop):
        for participant in rng.sample(participants, 3):
            workshop_actions.do_add_note(participant, question, rng.choice(notes))
    wishes = {
        1: ["Een gedeelde visie op opvoeden en opgroeien"],
        2: ["Een vast aanspreekpunt per school", "Jongeren meebeslissen over het aanbod"],
        3: ["Een wijkteam-overleg per maand"],
        4: ["Elk jaar een resultatenavond met partners", "Een dashboard voor de gemeenteraad"],
        5: ["Een meerjarige subsidie"],
    }
    made = []
    for pillar in pillars:
        for text in wishes.get(pillar.number, []):
            made.append(workshop_actions.do_add_wish(rng.choice(participants), pillar, text))
    for participant in participants:
        for wish in rng.sample(made, 3):
            workshop_actions.do_vote(participant, wish)
    workshop_actions.do_set_voting(workshop, False)
    workshop_actions.do_end(workshop)
    top = workshop_actions.wishes_by_votes(workshop)
    best = max(top, key=lambda wish: (wish.vote_count, -wish.pk))  # type: ignore[attr-defined]
    workshop_actions.do_wish_to_action(best, organisation)
    return workshop


def _open_round(organisation: Organisation, version: InstrumentVersion, rng: random.Random, base_url: str) -> Round:
    """The current round: open for a week, personal invitations waiting for the worker, a few answers in."""
    today = _today()
    plans = RECENT_GROUPS[:5]
    round_ = do_create_round(
        organisation,
        version,
        _scale(version),
        [plan.name for plan in plans],
        title=f"Meting {today.year}",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
        ask_profession=True,
        ask_importance=True,
    )
    do_set_status(round_.pk, Round.Status.OPEN)
    round_.refresh_from_db()
    groups = {group.name: group for group in round_.groups.all()}
    slug = {plan.name: plan.name.split()[0].split("-")[0].lower() for plan in plans}
    for plan in plans:
        addresses = [f"{slug[plan.name]}{n}@voorbeeld.nl" for n in range(1, 7)]
        do_add_invitations(round_, groups[plan.name], addresses)
    for plan in plans[:3]:
        for _n in range(3):
            answer_as_respondent(round_, groups[plan.name], plan, rng)
    # Two who started and have not sent yet.
    for plan in plans[3:]:
        do_start_response(round_, groups[plan.name], new_token(), Response.Channel.ONLINE)
    do_queue_mailing(round_, False, base_url)
    return round_


def seed(base_url: str) -> bool:
    """Seed the demo organisations unless Demodorp already has rounds; True when it seeded. Always (re)sets the
    demo users' passwords and memberships."""
    from cjgscan.instruments.models import InstrumentVersion as Version

    scan = Version.objects.latest_per_instrument().get(instrument__slug="zeven-sleutels")
    rng = random.Random(SEED)
    today = _today()
    with transaction.atomic():
        organisations = {
            DEMO_ORGANISATION: Organisation.objects.get_or_create(
                name=DEMO_ORGANISATION, defaults={"municipality": "Demodorp", "region": "Regio Voorbeeld"}
            )[0],
            SECOND_ORGANISATION: Organisation.objects.get_or_create(
                name=SECOND_ORGANISATION, defaults={"municipality": "Voorbeeldstad", "region": "Regio Voorbeeld"}
            )[0],
        }
        users = _users()
        _memberships(organisations, users)
        demodorp = organisations[DEMO_ORGANISATION]
        if demodorp.rounds.exists():
            return False
        earlier_groups = [
            GroupPlan(
                plan.name, size, [m + s for m, s in zip(plan.means, EARLIER_SHIFT, strict=True)], plan.professions
            )
            for plan, size in zip(RECENT_GROUPS, EARLIER_SIZES, strict=True)
        ]
        earlier = _closed_round(demodorp, scan, "Nulmeting", earlier_groups, today - datetime.timedelta(days=400), rng)
        recent = _closed_round(
            demodorp, scan, "Vervolgmeting", RECENT_GROUPS, today - datetime.timedelta(days=120), rng
        )
        _plan(demodorp, earlier, recent, users)
        _workshop(demodorp, today - datetime.timedelta(days=80), rng)
        _open_round(demodorp, scan, rng, base_url)
        second = organisations[SECOND_ORGANISATION]
        if not second.rounds.exists():
            plans = [GroupPlan(p.name, 6, [m - 0.2 for m in p.means], p.professions) for p in RECENT_GROUPS[:5]]
            _closed_round(second, scan, "Nulmeting", plans, today - datetime.timedelta(days=200), rng)
    return True


def reset() -> None:
    """Delete the demo organisations with everything in them (the users stay and get their password again)."""
    with transaction.atomic():
        organisations = Organisation.objects.filter(name__in=[DEMO_ORGANISATION, SECOND_ORGANISATION])
        for round_id in Round.objects.filter(organisation__in=organisations).values_list("pk", flat=True):
            delete_round(round_id)  # responses before their groups, as the round's own delete does
        organisations.delete()

"""Writes of the work session: each one function inside a transaction, locking where two requests could race."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from cjgscan.development.services import create_action
from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import InstrumentVersion, Item, Theme
from cjgscan.lib.tokens import new_token
from cjgscan.limits import counters
from cjgscan.organisations.models import Organisation
from cjgscan.workshops.models import JOIN_FAILURES, Note, Participant, Vote, Wish, Workshop, WorkshopQuestion, new_code

CODE_ATTEMPTS = 10


class WorkshopError(Exception):
    """A write that the session's state does not allow; `reason` is one of the keys of views.ERRORS."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def do_create_workshop(
    organisation: Organisation,
    version: InstrumentVersion,
    pillars: Iterable[Theme],
    items: Iterable[Item],
    **fields: Any,
) -> Workshop:
    """A new open session with a fresh code; the questions in the instrument's order."""
    pillars = sorted(set(pillars) | {item.theme for item in items}, key=lambda theme: theme.number)
    items = sorted(items, key=lambda item: (item.theme.number, item.position))
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code()
        try:
            with transaction.atomic():
                workshop = Workshop.objects.create(
                    organisation=organisation,
                    version=version,
                    code=code,
                    join_failures_at_code=counters.total(JOIN_FAILURES),
                    **fields,
                )
                workshop.pillars.set(pillars)
                WorkshopQuestion.objects.bulk_create(
                    WorkshopQuestion(workshop=workshop, theme=item.theme, item=item, position=n)
                    for n, item in enumerate(items, start=1)
                )
                first = workshop.questions.order_by("position").first()
                if first is not None:
                    workshop.current_question = first
                    workshop.save(update_fields=["current_question"])
                return workshop
        except IntegrityError:
            if not Workshop.objects.filter(code=code).exists():
                raise
            # the random code was taken: draw another
    raise RuntimeError("no free workshop code found")


def do_add_own_question(workshop: Workshop, theme: Theme, text: str) -> WorkshopQuestion:
    """The facilitator's own question, after the others of its pillar (the pillar joins the session)."""
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        last = locked.questions.aggregate(last=Max("position"))["last"] or 0
        question = WorkshopQuestion.objects.create(workshop=locked, theme=theme, own_text=text, position=last + 1)
        locked.pillars.add(theme)
        if locked.current_question_id is None:
            Workshop.objects.filter(pk=locked.pk).update(current_question=question)
    return question


def ordered_questions(workshop: Workshop) -> list[WorkshopQuestion]:
    """The session's questions by pillar, then in the order they were added."""
    return list(workshop.questions.select_related("theme", "item").order_by("theme__number", "position"))


def do_move(workshop: Workshop, question: WorkshopQuestion) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(current_question=question)


def do_join(workshop: Workshop, name: str) -> tuple[Participant, str]:
    """A new participant; the token goes into their cookie, only its hash into the database."""
    token = new_token()
    participant = Participant.objects.create(workshop=workshop, name=name, token_hash=Participant.hash_token(token))
    return participant, token


def _check_writable(workshop: Workshop) -> None:
    if not workshop.is_open:
        raise WorkshopError("ended")


def do_add_note(participant: Participant, question: WorkshopQuestion, text: str) -> Note:
    _check_writable(participant.workshop)
    return Note.objects.create(question=question, participant=participant, text=text)


def _own_note(participant: Participant, note_uuid: Any) -> Note:
    """The participant's own note, or WorkshopError: someone else's note is as good as missing."""
    note = Note.objects.select_for_update().filter(uuid=note_uuid, participant=participant).first()
    if note is None:
        raise WorkshopError("not yours")
    return note


def do_edit_note(participant: Participant, note_uuid: Any, text: str) -> Note:
    _check_writable(participant.workshop)
    with transaction.atomic():
        note = _own_note(participant, note_uuid)
        if note.merged_into_id is not None:
            raise WorkshopError("merged")
        note.text = text
        note.save(update_fields=["text"])
    return note


def do_delete_note(participant: Participant, note_uuid: Any) -> None:
    """Delete an own note; notes merged into it come back on the screen (they were not the participant's)."""
    _check_writable(participant.workshop)
    with transaction.atomic():
        note = _own_note(participant, note_uuid)
        note.delete()


def do_merge_notes(question: WorkshopQuestion, note_uuids: Iterable[Any]) -> Note:
    """Merge duplicates: the earliest chosen note stays, the others (and what was merged into them) join it."""
    with transaction.atomic():
        notes = list(
            Note.objects.select_for_update()
            .filter(question=question, uuid__in=list(note_uuids), merged_into__isnull=True)
            .order_by("created", "pk")
        )
        if len(notes) < 2:
            raise WorkshopError("merge needs two")
        keeper, others = notes[0], notes[1:]
        other_ids = [note.pk for note in others]
        Note.objects.filter(merged_into__in=other_ids).update(merged_into=keeper)
        Note.objects.filter(pk__in=other_ids).update(merged_into=keeper)
    return keeper


def do_add_wish(participant: Participant, theme: Theme, text: str) -> Wish:
    _check_writable(participant.workshop)
    return Wish.objects.create(workshop=participant.workshop, theme=theme, participant=participant, text=text)


def do_vote(participant: Participant, wish: Wish) -> None:
    """Give one vote to the wish: at most one per wish and at most the session's number in all.

    The participant's row is locked, so that parallel clicks count their votes one after the other.
    """
    with transaction.atomic():
        # The session first (closing the vote takes the same lock), then the participant.
        workshop = Workshop.objects.select_for_update().get(pk=participant.workshop_id)
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if not workshop.is_open or not workshop.voting_open:
            raise WorkshopError("voting closed")
        if Vote.objects.filter(participant=locked, wish=wish).exists():
            raise WorkshopError("already voted")
        if Vote.objects.filter(participant=locked).count() >= workshop.votes_per_participant:
            raise WorkshopError("no votes left")
        Vote.objects.create(participant=locked, wish=wish)


def do_unvote(participant: Participant, wish: Wish) -> None:
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=participant.workshop_id)
        if not workshop.is_open or not workshop.voting_open:
            raise WorkshopError("voting closed")
        Vote.objects.filter(participant=participant, wish=wish).delete()


def do_set_voting(workshop: Workshop, is_open: bool) -> None:
    """Close (or reopen) voting; taken under the session's lock so that no vote slips in half-way."""
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=workshop.pk).update(voting_open=is_open)


def do_new_code(workshop: Workshop) -> str:
    """Give the session a fresh code: the old one stops working at once; participants who joined stay in."""
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code()
        try:
            with transaction.atomic():
                Workshop.objects.filter(pk=workshop.pk).update(
                    code=code, join_failures_at_code=counters.total(JOIN_FAILURES)
                )
            return code
        except IntegrityError:
            if not Workshop.objects.filter(code=code).exists():
                raise
            # the random code was taken: draw another
    raise RuntimeError("no free workshop code found")


def do_end(workshop: Workshop) -> None:
    """End the session: its code stops working, participants can only look; the agenda stays."""
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.ENDED, voting_open=False)


def wishes_by_votes(workshop: Workshop) -> list[Wish]:
    """The development agenda: every wish with its number of votes, by pillar, most votes first (one query)."""
    return list(
        Wish.objects.filter(workshop=workshop)
        .select_related("theme")
        .annotate(vote_count=Count("votes"))
        .order_by("theme__number", "-vote_count", "created", "pk")
    )


def do_wish_to_action(wish: Wish, organisation: Organisation) -> tuple[Any, bool]:
    """Make the wish an action of the development plan, once: (the action's uuid, whether it is new)."""
    with transaction.atomic():
        locked = Wish.objects.select_for_update().select_related("theme", "workshop").get(pk=wish.pk)
        if locked.action_uuid is not None:
            return locked.action_uuid, False
        action = create_action(
            organisation,
            title=locked.text[:200],
            description=_action_description(locked),
            source=f"wish {locked.uuid}",
        )
        locked.action_uuid = action.uuid
        locked.save(update_fields=["action_uuid"])
    return locked.action_uuid, True


def _action_description(wish: Wish) -> str:
    votes = wish.votes.count()
    return _("Development wish from the work session “%(title)s” (%(date)s), pillar %(pillar)s, %(votes)s vote(s).") % {
        "title": wish.workshop.title,
        "date": wish.workshop.held_on.strftime("%d-%m-%Y"),
        "pillar": f"{wish.theme.number} {tr(wish.theme.title)}",
        "votes": votes,
    }

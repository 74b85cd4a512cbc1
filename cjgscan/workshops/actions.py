"""Writes of the work session: each one function inside a transaction, locking where two requests could race."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
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
        touch(locked.pk)
    return question


def ordered_questions(workshop: Workshop) -> list[WorkshopQuestion]:
    """The session's questions by pillar, then in the order they were added."""
    return list(workshop.questions.select_related("theme", "item").order_by("theme__number", "position"))


def touch(workshop_id: int) -> None:
    """Something the big screen or the phones show has changed: their next poll gets it (see Workshop.revision)."""
    Workshop.objects.filter(pk=workshop_id).update(revision=F("revision") + 1)


def do_move(workshop: Workshop, question: WorkshopQuestion) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(current_question=question, revision=F("revision") + 1)


def do_join(workshop: Workshop, name: str) -> tuple[Participant, str]:
    """A new participant; the token goes into their cookie, only its hash into the database."""
    token = new_token()
    participant = Participant.objects.create(workshop=workshop, name=name, token_hash=Participant.hash_token(token))
    return participant, token


def _check_writable(workshop: Workshop) -> None:
    if not workshop.is_open:
        raise WorkshopError("ended")


def _check_input_open(question: WorkshopQuestion) -> None:
    """The countdown is enforced here, not in the browser: at zero nothing is added, changed or withdrawn."""
    if not question.accepts_input():
        raise WorkshopError("time up")


def do_add_note(participant: Participant, question: WorkshopQuestion, text: str) -> Note:
    workshop = participant.workshop
    _check_writable(workshop)
    _check_input_open(question)
    status = Note.Status.PENDING if workshop.moderate_notes else Note.Status.SHOWN
    with transaction.atomic():
        note = Note.objects.create(question=question, participant=participant, text=text, status=status)
        touch(workshop.pk)
    return note


def _own_note(participant: Participant, note_uuid: Any) -> Note:
    """The participant's own note, or WorkshopError: someone else's note is as good as missing."""
    note = (
        Note.objects.select_for_update(of=("self",))
        .select_related("question")
        .filter(uuid=note_uuid, participant=participant)
        .first()
    )
    if note is None:
        raise WorkshopError("not yours")
    return note


def do_edit_note(participant: Participant, note_uuid: Any, text: str) -> Note:
    _check_writable(participant.workshop)
    with transaction.atomic():
        note = _own_note(participant, note_uuid)
        if note.merged_into_id is not None:
            raise WorkshopError("merged")
        _check_input_open(note.question)
        note.text = text
        note.save(update_fields=["text"])
        touch(participant.workshop_id)
    return note


def do_delete_note(participant: Participant, note_uuid: Any) -> None:
    """Delete an own note; notes merged into it come back on the screen (they were not the participant's)."""
    _check_writable(participant.workshop)
    with transaction.atomic():
        note = _own_note(participant, note_uuid)
        _check_input_open(note.question)
        note.delete()
        touch(participant.workshop_id)


def do_moderate_note(question: WorkshopQuestion, note_uuid: Any, status: str) -> Note:
    """Hide, restore or approve a note of the question (the facilitator's moderation)."""
    with transaction.atomic():
        note = Note.objects.select_for_update().filter(question=question, uuid=note_uuid).first()
        if note is None:
            raise WorkshopError("no such note")
        note.status = status
        note.save(update_fields=["status"])
        touch(question.workshop_id)
    return note


# The facilitator's controls of the current question: reveal and countdown.


def do_set_notes_hidden(question: WorkshopQuestion, hidden: bool) -> None:
    """Write first, then reveal (hidden) or notes on the screen at once; choosing again hides them again."""
    WorkshopQuestion.objects.filter(pk=question.pk).update(notes_hidden=hidden, revealed=False)
    touch(question.workshop_id)


def do_reveal(question: WorkshopQuestion) -> None:
    WorkshopQuestion.objects.filter(pk=question.pk).update(revealed=True)
    touch(question.workshop_id)


def do_start_timer(question: WorkshopQuestion, seconds: int) -> None:
    """Start (or restart) the countdown of a question: input closes `seconds` from now."""
    closes_at = timezone.now() + datetime.timedelta(seconds=seconds)
    WorkshopQuestion.objects.filter(pk=question.pk).update(closes_at=closes_at)
    touch(question.workshop_id)


def do_add_time(question: WorkshopQuestion, seconds: int) -> None:
    """More time: from the deadline if it is still ahead, from now if it has passed (input opens again)."""
    with transaction.atomic():
        locked = WorkshopQuestion.objects.select_for_update().get(pk=question.pk)
        now = timezone.now()
        start = locked.closes_at if locked.closes_at and locked.closes_at > now else now
        locked.closes_at = start + datetime.timedelta(seconds=seconds)
        locked.save(update_fields=["closes_at"])
        touch(question.workshop_id)


def do_stop_timer(question: WorkshopQuestion) -> None:
    """No countdown any more: input is open again without a limit."""
    WorkshopQuestion.objects.filter(pk=question.pk).update(closes_at=None)
    touch(question.workshop_id)


def do_set_options(workshop: Workshop, hide_votes: bool, moderate_notes: bool) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(
        hide_votes=hide_votes, moderate_notes=moderate_notes, revision=F("revision") + 1
    )


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
        touch(question.workshop_id)
    return keeper


def do_add_wish(participant: Participant, theme: Theme, text: str, question: WorkshopQuestion | None = None) -> Wish:
    """A wish for a pillar; made under a question, it keeps that question (and so its key and characteristic)."""
    _check_writable(participant.workshop)
    with transaction.atomic():
        wish = Wish.objects.create(
            workshop=participant.workshop, theme=theme, participant=participant, text=text, question=question
        )
        touch(participant.workshop_id)
    return wish


def _own_wish(participant: Participant, wish_uuid: Any) -> Wish:
    """The participant's own wish while it can still change: open session, open voting, not yet an action."""
    _check_writable(participant.workshop)
    wish = Wish.objects.select_for_update().filter(uuid=wish_uuid, participant=participant).first()
    if wish is None:
        raise WorkshopError("not your wish")
    if not participant.workshop.voting_open:
        raise WorkshopError("voting closed")
    if wish.action_uuid is not None:
        raise WorkshopError("wish is an action")
    return wish


def do_edit_wish(participant: Participant, wish_uuid: Any, theme: Theme, text: str) -> Wish:
    """Change an own wish; not once others voted for it (they voted for what it said)."""
    with transaction.atomic():
        wish = _own_wish(participant, wish_uuid)
        if wish.votes.exclude(participant=participant).exists():
            raise WorkshopError("wish has votes")
        wish.theme, wish.text = theme, text
        wish.save(update_fields=["theme", "text"])
        touch(participant.workshop_id)
    return wish


def do_withdraw_wish(participant: Participant, wish_uuid: Any) -> None:
    """Withdraw an own wish; the votes it had go back to those who gave them."""
    with transaction.atomic():
        wish = _own_wish(participant, wish_uuid)
        wish.delete()
        touch(participant.workshop_id)


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
        touch(workshop.pk)


def do_unvote(participant: Participant, wish: Wish) -> None:
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=participant.workshop_id)
        if not workshop.is_open or not workshop.voting_open:
            raise WorkshopError("voting closed")
        Vote.objects.filter(participant=participant, wish=wish).delete()
        touch(workshop.pk)


def do_set_voting(workshop: Workshop, is_open: bool) -> None:
    """Close (or reopen) voting; taken under the session's lock so that no vote slips in half-way."""
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=workshop.pk).update(
            voting_open=is_open, revision=F("revision") + 1
        )


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
    Workshop.objects.filter(pk=workshop.pk).update(
        status=Workshop.Status.ENDED, voting_open=False, revision=F("revision") + 1
    )


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
        locked = (
            Wish.objects.select_for_update(of=("self",))
            .select_related("theme", "workshop__round", "question")
            .get(pk=wish.pk)
        )
        if locked.action_uuid is not None:
            return locked.action_uuid, False
        question = locked.question
        # Under a question on the round's results the action gets its key and characteristic, and the round: it
        # falls under that key in the plan, and the plan's check compares the round with the next one.
        action = create_action(
            organisation,
            title=locked.text[:200],
            description=_action_description(locked),
            theme_code=question.key_code if question is not None else "",
            item_code=question.characteristic_code if question is not None else "",
            round=locked.workshop.round,
            # The wish links to the action (Wish.action_uuid); development.origin puts the origin in words.
            source="wish",
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

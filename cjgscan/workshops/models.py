"""Work sessions (werksessies) on the five pillars: questions, participants' notes, development wishes and votes.

Participants have no account: they join with the session's short code and a name of their choice, and are
known afterwards by a random token in a signed cookie of which only a keyed hash is stored here.
"""

import datetime
import math
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cjgscan.instruments.i18n import tr
from cjgscan.instruments.models import InstrumentVersion, Item, Theme
from cjgscan.lib.tokens import keyed_hash
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Round

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read aloud and to type on a phone. 25^6 ≈ 244 million codes.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 6
NOTE_MAX_LENGTH = 500
WISH_MAX_LENGTH = 300
NAME_MAX_LENGTH = 40
QUESTION_MAX_LENGTH = 500
# A theme's name becomes the text of the wish made from it.
THEME_NAME_MAX_LENGTH = 200
MAX_VOTES = 20
DEFAULT_VOTES = 3
# The code works from the day of the session until the end of the day after it.
CODE_VALID_DAYS = 1
# The name of the count (limits.Total) of every failed join, of all clients and for any session.
JOIN_FAILURES = "workshop-join-failures"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a participant typed, as the stored code: capitals, without spaces or dashes."""
    return "".join(raw.split()).replace("-", "").upper()


class Workshop(models.Model):
    """A facilitated work session (werksessie) of one organisation on chosen pillars and questions."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ENDED = "ended", _("ended")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="workshops")
    version = models.ForeignKey(InstrumentVersion, models.PROTECT, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date of the session"), default=timezone.localdate)
    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    # All failed joins of the installation (limits.Total) when this code was made: a code stops working after
    # WORKSHOP_CODE_FAILURE_LIMIT more, so spreading guesses over many clients does not help to find it.
    join_failures_at_code = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    votes_per_participant = models.PositiveSmallIntegerField(
        _("votes per participant"),
        default=DEFAULT_VOTES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VOTES)],
    )
    voting_open = models.BooleanField(default=True)
    # The vote counts stay off the big screen and the phones until voting closes (no bandwagon).
    hide_votes = models.BooleanField(_("hide vote counts until voting closes"), default=False)
    # New notes wait in the facilitator's queue until approved.
    moderate_notes = models.BooleanField(_("approve notes before they are shown"), default=False)
    # Goes up with every change the big screen or a phone shows: a poll whose revision is unchanged is answered
    # "nothing changed" (304) after one indexed lookup.
    revision = models.PositiveIntegerField(default=0)
    pillars = models.ManyToManyField(Theme, related_name="workshops")
    # The closed round the session starts from: its released results are the opening slides, its weakest keys and
    # largest gaps become questions, and actions from the session are measured against it (the plan's check).
    round = models.ForeignKey(
        Round, models.SET_NULL, null=True, blank=True, related_name="workshops", verbose_name=_("round")
    )
    # Which opening slide of the round's results the big screen shows (1, 2, …); 0: the current question.
    slide = models.PositiveSmallIntegerField(default=0)
    current_question = models.ForeignKey("WorkshopQuestion", models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_per_participant__gte=1, votes_per_participant__lte=MAX_VOTES),
                name="workshop_votes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def code_expires_on(self) -> datetime.date:
        return self.held_on + datetime.timedelta(days=CODE_VALID_DAYS)

    def accepts_participants(self, today: datetime.date | None = None) -> bool:
        """The code works while the session is open, on its day and the day after."""
        today = today or timezone.localdate()
        return self.is_open and self.held_on <= today <= self.code_expires_on

    def code_worn_out(self, join_failures: int) -> bool:
        """Whether so many joins failed (of all clients, for any session) since this code was made that it may
        have been found by trying; `join_failures` is the installation's count now."""
        return join_failures - self.join_failures_at_code >= settings.WORKSHOP_CODE_FAILURE_LIMIT

    @property
    def display_code(self) -> str:
        """The code as shown on screen: two groups of three, easier to read from a distance."""
        return f"{self.code[:3]} {self.code[3:]}"


class WorkshopQuestion(models.Model):
    """A question of the session: a guiding question of the instrument, or one of the facilitator's own."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="questions")
    theme = models.ForeignKey(Theme, models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, models.PROTECT, null=True, blank=True, related_name="+")
    own_text = models.CharField(max_length=QUESTION_MAX_LENGTH, blank=True)
    # A question made from the round's results: its text in every language ({"nl": …, "en": …}; own_text holds the
    # Dutch) and the stable codes of the key and characteristic it is about, which its wishes' actions carry.
    suggested_text = models.JSONField(default=dict, blank=True)
    key_code = models.CharField(max_length=20, blank=True)
    characteristic_code = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField()
    # Write first, then reveal: the notes stay off the big screen (only their number shows) until revealed.
    notes_hidden = models.BooleanField(default=False)
    revealed = models.BooleanField(default=False)
    # The countdown: from this moment no note is added, changed or withdrawn (null: no timer).
    closes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "item"], name="unique_workshop_item"),
            models.CheckConstraint(
                condition=Q(item__isnull=False) | ~Q(own_text=""), name="workshop_question_has_text"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        if self.item is not None:
            return tr(self.item.text)
        return tr(self.suggested_text) if self.suggested_text else self.own_text

    @property
    def code(self) -> str:
        """P3.V2 for a guiding question, S3.K2 or S3 for a question on the round's results, "" for an own one."""
        if self.item is not None:
            return self.item.code
        return self.characteristic_code or self.key_code

    @property
    def notes_visible(self) -> bool:
        return not self.notes_hidden or self.revealed

    def accepts_input(self, now: datetime.datetime | None = None) -> bool:
        return self.closes_at is None or (now or timezone.now()) < self.closes_at

    def seconds_left(self, now: datetime.datetime | None = None) -> int | None:
        """Whole seconds until input closes, 0 when the time is up, None without a timer."""
        if self.closes_at is None:
            return None
        return max(0, math.ceil((self.closes_at - (now or timezone.now())).total_seconds()))


class Participant(models.Model):
    """Someone taking part on their phone: a chosen name and the hash of the token in their cookie."""

    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="participants")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_token(token: str) -> str:
        return keyed_hash("workshop-participant", token)


class NoteQuerySet(models.QuerySet["Note"]):
    def shown(self) -> "NoteQuerySet":
        """Notes on the screen: approved, not hidden, not merged into another, with how many were merged into each."""
        return self.filter(merged_into__isnull=True, status=Note.Status.SHOWN).annotate_merged()

    def annotate_merged(self) -> "NoteQuerySet":
        return self.annotate(merged_count=Count("merged"))


class Note(models.Model):
    """A participant's short answer to a question. Merged duplicates point at the note they were merged into."""

    class Status(models.TextChoices):
        SHOWN = "shown", _("shown")
        PENDING = "pending", _("waiting for approval")
        HIDDEN = "hidden", _("hidden by the facilitator")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    question = models.ForeignKey(WorkshopQuestion, models.CASCADE, related_name="notes")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="notes")
    text = models.CharField(max_length=NOTE_MAX_LENGTH)
    merged_into = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="merged")
    # The theme (NoteTheme) the facilitator put the note in, at most one; not `theme`, which is a pillar here.
    group = models.ForeignKey("NoteTheme", models.SET_NULL, null=True, blank=True, related_name="notes")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SHOWN)
    created = models.DateTimeField(auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Wish(models.Model):
    """A development wish (ontwikkelwens) for one pillar; the agenda lists them by votes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="wishes")
    theme = models.ForeignKey(Theme, models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, models.SET_NULL, null=True, blank=True, related_name="wishes")
    # The question the wish was made under, if any: its key and characteristic go with the wish into the plan.
    question = models.ForeignKey(WorkshopQuestion, models.SET_NULL, null=True, blank=True, related_name="wishes")
    text = models.CharField(max_length=WISH_MAX_LENGTH)
    # The action made from this wish in the development plan (cjgscan.development), once there is one.
    action_uuid = models.UUIDField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name_plural = "wishes"

    def __str__(self) -> str:
        return self.text[:40]


class Vote(models.Model):
    """One of a participant's votes: at most one per wish, at most the session's number in all."""

    wish = models.ForeignKey(Wish, models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="votes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wish", "participant"], name="unique_vote_per_wish")]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.wish_id}"


class NoteTheme(models.Model):
    """A theme (thema): notes of one question that the facilitator grouped under a name on the big screen.

    Not `Theme`: in this app that is the instrument's pillar. A theme can become a wish of the question's pillar
    (`wish`), which participants then vote for like any other.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    question = models.ForeignKey(WorkshopQuestion, models.CASCADE, related_name="note_themes")
    name = models.CharField(max_length=THEME_NAME_MAX_LENGTH)
    wish = models.OneToOneField(Wish, models.SET_NULL, null=True, blank=True, related_name="note_theme")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.name[:40]

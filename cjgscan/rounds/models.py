import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cjgscan.instruments.models import InstrumentVersion, Item, Scale, ScaleOption, Theme
from cjgscan.lib import codes
from cjgscan.lib.tokens import derived_token, keyed_hash, signed_id_token
from cjgscan.organisations.models import Organisation

MIN_GROUP_SIZE_FLOOR = 3
DEFAULT_MIN_GROUP_SIZE = 5
COMMENT_MAX_LENGTH = 2000
OTHER_PROFESSION = "anders"


def default_groups() -> list[tuple[str, bool]]:
    """The respondent groups a new round offers: (name, chosen by default)."""
    return [
        (str(_("CJG management")), True),
        (str(_("JGZ staff")), True),
        (str(_("Other CJG staff")), True),
        (str(_("Partner organisations")), True),
        (str(_("Municipality (policy)")), True),
        (str(_("Board and politics")), True),
        (str(_("Parents and young people")), False),
        # Groups a CJG works with today (instrument texts v2), offered but not chosen by default.
        (str(_("Neighbourhood or youth team")), False),
        (str(_("Education")), False),
        (str(_("Childcare")), False),
        (str(_("GP or youth practice nurse (POH-jeugd)")), False),
    ]


IMPORTANCE_CHOICES = [
    (1, _("Not important")),
    (2, _("Slightly important")),
    (3, _("Important")),
    (4, _("Very important")),
    (5, _("Essential")),
]


class Round(models.Model):
    """A measurement (meting): one organisation, one instrument version, answered by several groups."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("not yet opened")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="rounds")
    version = models.ForeignKey(InstrumentVersion, models.PROTECT, related_name="rounds")
    scale = models.ForeignKey(Scale, models.PROTECT, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    ask_profession = models.BooleanField(_("ask for the profession"), default=False)
    ask_importance = models.BooleanField(_("ask how important each key is"), default=False)
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size for reporting"),
        default=DEFAULT_MIN_GROUP_SIZE,
        validators=[MinValueValidator(MIN_GROUP_SIZE_FLOOR), MaxValueValidator(100)],
    )
    created = models.DateTimeField(auto_now_add=True)
    # Retention: the invitation addresses are deleted after the round closes; these keep the figures.
    addresses_deleted_on = models.DateField(null=True, blank=True)
    deleted_invitation_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-opens_on", "-created"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_group_size__gte=3), name="min_group_size_at_least_3"),
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="closes_after_opens"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_accepting(self, today: datetime.date | None = None) -> bool:
        """Answers are taken while the round is open and today lies between its dates."""
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on

    def has_responses(self) -> bool:
        return self.responses.exists()

    def latest_release(self) -> "Release | None":
        return self.releases.order_by("-number").first()


class RespondentGroup(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    link_version = models.PositiveIntegerField(default=1, help_text="Raising it revokes the group link.")
    # A keyed hash of the current short code (/g/K7M4-Q2XP-ABCD), for looking it up; the code itself is derived
    # from the uuid and the link version, so renewing the link replaces it.
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="unique_group_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.with_code_hash()
        if kwargs.get("update_fields") is not None and "link_version" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "code_hash"}
        super().save(*args, **kwargs)

    def with_code_hash(self) -> "RespondentGroup":
        """Keep the short code's hash in step with the link version; bulk_create (which skips save) needs it."""
        self.code_hash = self.hash_code(self.short_code())
        return self

    @staticmethod
    def for_short_code(typed: str) -> "RespondentGroup | None":
        """The group whose current short code this is (typed in any case, with or without dashes)."""
        code = codes.normalized(typed)
        if code is None:
            return None
        return RespondentGroup.objects.select_related("round").filter(code_hash=RespondentGroup.hash_code(code)).first()

    def link_token(self) -> str:
        return signed_id_token("group-link", self.uuid, self.link_version)

    def short_code(self) -> str:
        """The typeable code of the current link (unformatted); a new link version gives a new code."""
        return codes.derived_code("group-link", f"{self.uuid}:{self.link_version}")

    @staticmethod
    def hash_code(code: str) -> str:
        return keyed_hash("group-code", code)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def emailed(self) -> "InvitationQuerySet":
        return self.filter(send_count__gt=0)

    def not_emailed(self) -> "InvitationQuerySet":
        return self.filter(send_count=0)


class Invitation(models.Model):
    """A personal invitation: who was invited and whether the first e-mail went out; never how far they got.

    Nothing is written here when the link is opened or the questionnaire started or sent: a copy of the
    database must not tie an address to a response (docs/privacy.md, T1). Whether someone has finished is
    worked out by the worker that sends reminders, from the link token it derives (see `token()`).

    The link's token is derived from the invitation's uuid under the secret key, so a reminder can repeat the
    same link; only a keyed hash of it is stored, for looking the invitation up.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, models.CASCADE, related_name="invitations")
    group = models.ForeignKey(RespondentGroup, models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    # The first invitation e-mail only: reminders are recorded per round (ReminderMailing), because "reminded
    # on day D" per address would tell a reader of the database who had not finished by D.
    send_count = models.PositiveSmallIntegerField(default=0)
    last_sent_on = models.DateField(null=True, blank=True)
    created_on = models.DateField(default=timezone.localdate)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["group__position", "email"]
        constraints = [models.UniqueConstraint(fields=["round", "email"], name="unique_invitation_email")]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.token_hash:
            self.token_hash = self.hash_token(self.token())
        super().save(*args, **kwargs)

    @staticmethod
    def hash_token(token: str) -> str:
        return keyed_hash("invitation", token)

    def token(self) -> str:
        return derived_token("invitation-link", self.uuid)


class ResponseQuerySet(models.QuerySet["Response"]):
    def submitted(self) -> "ResponseQuerySet":
        return self.filter(status=Response.Status.SUBMITTED)

    def in_progress(self) -> "ResponseQuerySet":
        return self.filter(status=Response.Status.IN_PROGRESS)

    def released(self) -> "ResponseQuerySet":
        """Submitted and taken into a release: the only responses a results page, export or API reads."""
        return self.filter(status=Response.Status.SUBMITTED, release__isnull=False)


class Response(models.Model):
    """One respondent's answers. No link to an Invitation, no address, no time finer than the day."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    class Channel(models.TextChoices):
        # The channel says how a response came in, never through which invitation: every personal response
        # of a round carries the same value.
        PERSONAL = "personal", _("online, personal link")
        ONLINE = "online", _("online, group link")
        PAPER = "paper", _("paper")

    # A random primary key, so that row numbers do not tell the order in which people started.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, models.CASCADE, related_name="responses")
    group = models.ForeignKey(RespondentGroup, models.PROTECT, related_name="responses")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # A keyed hash of the resume code ("verder op een ander apparaat"), itself derived from the token; online
    # responses of both kinds of link get one, so its presence says nothing about how the respondent came in.
    resume_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    profession = models.CharField(max_length=20, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_on = models.DateField(default=timezone.localdate)
    submitted_on = models.DateField(null=True, blank=True)
    last_page = models.PositiveSmallIntegerField(default=0)
    # The release that first included this response (releases are cumulative); NULL until then.
    # RESTRICT: a release cannot be deleted on its own (its figures would change), only with its round.
    release = models.ForeignKey("Release", models.RESTRICT, null=True, blank=True, related_name="responses")

    objects = ResponseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["round", "status", "group"])]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.pk}"

    @staticmethod
    def hash_token(token: str) -> str:
        return keyed_hash("response", token)

    @staticmethod
    def resume_code(token: str) -> str:
        """The resume code of the response that this token opens (unformatted)."""
        return codes.derived_code("resume", token)

    @staticmethod
    def hash_resume_code(code: str) -> str:
        return keyed_hash("resume-code", code)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ReleasedQuerySet(models.QuerySet[Any]):
    """For the answer tables (Answer, ThemeAnswer): the rows of a round's released responses."""

    def released(self, round_: "Round") -> "ReleasedQuerySet":
        return self.filter(
            response__round=round_, response__status=Response.Status.SUBMITTED, response__release__isnull=False
        )


class Answer(models.Model):
    # Random, like Response's: a counting id would give the order in which answers came in.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, models.PROTECT, related_name="answers")
    option = models.ForeignKey(ScaleOption, models.PROTECT, related_name="answers")
    # A copy of option.value (NULL for "don't know" / "not applicable") so aggregates need no join.
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = ReleasedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="unique_answer_per_item")]
        indexes = [models.Index(fields=["item", "value"])]

    def __str__(self) -> str:
        return f"{self.item_id}={self.value}"


class ThemeAnswer(models.Model):
    """Per key: the respondent's optional comment and, if the round asks, how important the key is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, models.CASCADE, related_name="theme_answers")
    theme = models.ForeignKey(Theme, models.PROTECT, related_name="theme_answers")
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    importance = models.PositiveSmallIntegerField(null=True, blank=True, choices=IMPORTANCE_CHOICES)

    objects = ReleasedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "theme"], name="unique_theme_answer")]

    def __str__(self) -> str:
        return f"{self.theme_id}"

    def as_dict(self) -> dict[str, Any]:
        return {"comment": self.comment, "importance": self.importance}


class ReminderMailing(models.Model):
    """One reminder of a round: queued, being sent or sent, on which day, to how many. Deliberately not per
    address (docs/invitations.md). The row is the claimed unit: made when the coordinator asks (one per round at
    a time, one a day), taken by one worker (queued → sending)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")

    round = models.ForeignKey(Round, models.CASCADE, related_name="reminder_mailings")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_on = models.DateField(default=timezone.localdate)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="unique_reminder_number")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.number}"


class PaperEntryLog(models.Model):
    """Who typed in or imported how many paper forms for which group, per day: shown on the round page."""

    class Source(models.TextChoices):
        ENTRY = "entry", _("typed in")
        IMPORT = "import", _("imported")

    round = models.ForeignKey(Round, models.CASCADE, related_name="paper_entry_logs")
    group = models.ForeignKey(RespondentGroup, models.CASCADE, related_name="paper_entry_logs")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    # Kept when the account is deleted, so the log still says who it was.
    entered_by_name = models.CharField(max_length=300)
    entered_on = models.DateField(default=timezone.localdate)
    source = models.CharField(max_length=10, choices=Source.choices)
    form_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-entered_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "group", "entered_by", "entered_on", "source"], name="unique_paper_entry_log_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entered_on}: {self.form_count}"


class Release(models.Model):
    """A snapshot of a round's results (cjgscan.analysis.release): which responses it first includes (they point
    at it) and how it breaks them down. Results pages read the latest release, never live answers.

    The layout is stored as cells of group primary keys and of profession codes: later releases are checked
    against it, and the pages label their columns with it.
    """

    round = models.ForeignKey(Round, models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    made_on = models.DateField(default=timezone.localdate)
    interim = models.BooleanField(default=False, help_text="Asked for while the round was open (tussenstand).")
    group_cells = models.JSONField(default=list)  # [[group pk, ...], ...]
    profession_cells = models.JSONField(null=True, blank=True)  # [[code, ...], ...]; null: not released
    professions_withheld = models.BooleanField(default=False)
    group_notes = models.JSONField(default=dict)  # group pk (as text) -> why it shares a cell
    profession_notes = models.JSONField(default=dict)

    class Meta:
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="unique_release_number")]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.number}"

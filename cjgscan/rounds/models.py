import datetime
import uuid
from typing import Any

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


class Invitation(models.Model):
    """A personal invitation: who was invited and how far they got, never what they answered.

    The link's token is derived from the invitation's uuid under the secret key, so a reminder can repeat the
    same link; only a keyed hash of it is stored, for looking the invitation up.
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        STARTED = "started", _("started")
        FINISHED = "finished", _("finished")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, models.CASCADE, related_name="invitations")
    group = models.ForeignKey(RespondentGroup, models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    send_count = models.PositiveSmallIntegerField(default=0)
    last_sent_on = models.DateField(null=True, blank=True)
    created_on = models.DateField(default=timezone.localdate)

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


class Response(models.Model):
    """One respondent's answers. No link to an Invitation, no address, no time finer than the day."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
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


class Answer(models.Model):
    response = models.ForeignKey(Response, models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, models.PROTECT, related_name="answers")
    option = models.ForeignKey(ScaleOption, models.PROTECT, related_name="answers")
    # A copy of option.value (NULL for "don't know" / "not applicable") so aggregates need no join.
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="unique_answer_per_item")]
        indexes = [models.Index(fields=["item", "value"])]

    def __str__(self) -> str:
        return f"{self.item_id}={self.value}"


class ThemeAnswer(models.Model):
    """Per key: the respondent's optional comment and, if the round asks, how important the key is."""

    response = models.ForeignKey(Response, models.CASCADE, related_name="theme_answers")
    theme = models.ForeignKey(Theme, models.PROTECT, related_name="theme_answers")
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    importance = models.PositiveSmallIntegerField(null=True, blank=True, choices=IMPORTANCE_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "theme"], name="unique_theme_answer")]

    def __str__(self) -> str:
        return f"{self.theme_id}"

    def as_dict(self) -> dict[str, Any]:
        return {"comment": self.comment, "importance": self.importance}


class LinkAttempt(models.Model):
    """Failed uses of respondent links, per client address (keyed hash) and ten-minute window: brute-forcing
    tokens is refused. Rows older than a day are deleted as new ones come in."""

    client_hash = models.CharField(max_length=64)
    window = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client_hash", "window"], name="unique_link_attempt_window")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"{self.window}: {self.failures}"

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Round

DESCRIPTION_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000
REASONING_MAX_LENGTH = 5000


class ActionQuerySet(models.QuerySet["Action"]):
    def for_organisation(self, organisation: Organisation) -> "ActionQuerySet":
        return self.filter(organisation=organisation).select_related("owner", "round")


class Action(models.Model):
    """One step of the organisation's improvement plan, moving through plan-do-check-act."""

    class Phase(models.TextChoices):
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        CHECK = "check", _("Check")
        ACT = "act", _("Act")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="actions")
    round = models.ForeignKey(
        Round, models.SET_NULL, null=True, blank=True, related_name="actions", verbose_name=_("round")
    )
    # Stable codes, not foreign keys: an action outlives instrument versions and is matched across them.
    theme_code = models.CharField(_("key"), max_length=20, blank=True)
    item_code = models.CharField(_("characteristic"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    owner_name = models.CharField(_("owner (name)"), max_length=200, blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.PLAN)
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["organisation", "phase"])]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_display(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.email or self.owner.get_username()
        return self.owner_name

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past its due date while still being planned or carried out (check and act come after the work)."""
        today = today or timezone.localdate()
        return self.due_on is not None and self.due_on < today and self.phase in (self.Phase.PLAN, self.Phase.DO)

    @property
    def next_phase(self) -> "Action.Phase | None":
        phases = list(self.Phase)
        index = phases.index(self.Phase(self.phase))
        return phases[index + 1] if index + 1 < len(phases) else None

    @property
    def previous_phase(self) -> "Action.Phase | None":
        phases = list(self.Phase)
        index = phases.index(self.Phase(self.phase))
        return phases[index - 1] if index > 0 else None


class ActionNote(models.Model):
    """A dated entry in an action's status log."""

    action = models.ForeignKey(Action, models.CASCADE, related_name="notes")
    noted_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"), validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-noted_on", "-created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.noted_on}: {self.text[:40]}"


class AgreedScore(models.Model):
    """The score per key the team agrees on after a round, beside (never replacing) the measured averages."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="agreed_scores")
    theme_code = models.CharField(max_length=20)
    score = models.DecimalField(_("agreed score"), max_digits=3, decimal_places=1)
    reasoning = models.TextField(_("reasoning"), validators=[MaxLengthValidator(REASONING_MAX_LENGTH)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "theme_code"]
        verbose_name = _("agreed score")
        verbose_name_plural = _("agreed scores")
        constraints = [models.UniqueConstraint(fields=["round", "theme_code"], name="unique_agreed_score")]

    def __str__(self) -> str:
        return f"{self.theme_code}: {self.score}"

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A Centrum voor Jeugd en Gezin (or a group of them) that measures and develops itself."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    benchmark_opt_in = models.BooleanField(
        _("take part in the comparison with other organisations"),
        default=False,
        help_text=_("Only key scores are shared, anonymously. You can stop at any time."),
    )
    # House style: a colour for the header and accents (#rrggbb, AA contrast with white text, checked by the form)
    # and a logo; the logo's bytes live in OrganisationLogo so that fetching an organisation never loads them.
    colour = models.CharField(_("house colour"), max_length=7, blank=True)
    logo_version = models.PositiveIntegerField(default=0, editable=False)  # 0: no logo; new number on each upload
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class OrganisationLogo(models.Model):
    """The organisation's logo as a PNG that cjgscan re-encoded itself (cjgscan.organisations.branding)."""

    organisation = models.OneToOneField(Organisation, models.CASCADE, related_name="logo", primary_key=True)
    png = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"logo of {self.organisation}"


class Role(models.TextChoices):
    BEHEERDER = "beheerder", _("administrator")
    COORDINATOR = "coordinator", _("coordinator")
    LEZER = "lezer", _("reader")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: Any) -> "MembershipQuerySet":
        return self.filter(user=user).select_related("organisation").order_by("organisation__name")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEZER)
    created = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def can_write(self) -> bool:
        """Coordinators and administrators change the organisation's work; readers only look."""
        return self.role in (Role.BEHEERDER, Role.COORDINATOR)

    @property
    def can_manage(self) -> bool:
        """Only administrators change the organisation itself and its members."""
        return self.role == Role.BEHEERDER

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
    two_factor_required = models.BooleanField(
        _("two-factor sign-in required for administrators"),
        default=False,
        help_text=_("Administrators of this organisation must set up a code from an app before they can continue."),
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
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("account")
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
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


class Profile(models.Model):
    """What an account keeps besides Django's user: the language its pages are shown in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="nl")

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class MemberInvitation(models.Model):
    """A colleague invited by e-mail to become a member. The link's token is made by the worker when it sends the
    e-mail and only its hash is kept: a copy of the database (or of the task queue) cannot accept it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="member_invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEZER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("member invitation")
        verbose_name_plural = _("member invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class RecoveryCode(models.Model):
    """A single-use code for signing in without the authenticator app; only a hash of it is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="unique_recovery_code")]

    def __str__(self) -> str:
        return f"{self.user} ({self.pk})"


class TwoFactorReset(models.Model):
    """Who switched off whose two-factor sign-in, and when (a lost phone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="two_factor_resets", verbose_name=_("account")
    )
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("reset by")
    )
    reset_at = models.DateTimeField(_("reset at"), auto_now_add=True)

    class Meta:
        ordering = ["-reset_at"]
        verbose_name = _("two-factor reset")
        verbose_name_plural = _("two-factor resets")

    def __str__(self) -> str:
        return f"{self.user} ({self.reset_at:%Y-%m-%d %H:%M})"

"""Personal API keys (API-sleutels): random, shown once, stored only as a keyed hash."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cjgscan.lib.tokens import keyed_hash, new_token
from cjgscan.organisations.models import Membership, Organisation

TOKEN_PREFIX = "cjg_"  # noqa: S105 - recognisable for people and secret scanners
HASH_PURPOSE = "api-token"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_secret(self, secret: str) -> "ApiToken | None":
        """The key with this secret, looked up by its keyed hash (the hash, not the secret, is compared)."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
            return None
        return self.select_related("user", "organisation").filter(token_hash=ApiToken.hash_secret(secret)).first()


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to recognise the key in a list.")
    scope = models.CharField(_("access"), max_length=10, choices=Scope.choices, default=Scope.READ)
    # Empty: every organisation the user is a member of (at the time of each request).
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    created = models.DateTimeField(auto_now_add=True)
    last_used_on = models.DateField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return keyed_hash(HASH_PURPOSE, secret)

    @classmethod
    def issue(cls, user: Any, name: str, scope: str, organisation: Organisation | None) -> tuple["ApiToken", str]:
        """A new key and its secret; the secret is not stored and cannot be shown again."""
        secret = TOKEN_PREFIX + new_token()
        token = cls.objects.create(
            user=user,
            name=name,
            scope=scope,
            organisation=organisation,
            token_hash=cls.hash_secret(secret),
            hint=secret[: len(TOKEN_PREFIX) + 6],
        )
        return token, secret

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def memberships(self) -> models.QuerySet[Membership]:
        """The memberships this key reaches: the bound organisation's, or all of the user's."""
        memberships = Membership.objects.filter(user_id=self.user_id).select_related("organisation")
        if self.organisation_id is not None:
            memberships = memberships.filter(organisation_id=self.organisation_id)
        return memberships

    def mark_used(self) -> None:
        """At most one write a day per key."""
        today = timezone.localdate()
        if self.last_used_on != today:
            ApiToken.objects.filter(pk=self.pk).update(last_used_on=today)
            self.last_used_on = today

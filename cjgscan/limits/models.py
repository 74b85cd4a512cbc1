"""Shared counters for every rate limit, so that several app servers (and gunicorn workers) count as one."""

from django.db import models


class Counter(models.Model):
    """How often something was counted in one window. `key` is a keyed hash of the limit's name and what it
    counts (a client address, a user name, a session), so a copy of the database shows no address; rows older
    than a day are deleted as new ones come in."""

    key = models.CharField(max_length=64)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="unique_limit_counter_window")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"{self.window}: {self.count}"


class Total(models.Model):
    """A count that never expires, e.g. all failed werksessie joins: a code stops working after a number of them
    (cjgscan/workshops/participant.py)."""

    name = models.CharField(max_length=64, unique=True)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"


class RefusedStart(models.Model):
    """Starts through a group link refused for coming too fast from one client, per group link and day: shown
    to the coordinator as a count; nothing about who (no address, no response)."""

    group = models.ForeignKey("rounds.RespondentGroup", models.CASCADE, related_name="refused_starts")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="unique_refused_start_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"

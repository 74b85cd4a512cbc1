"""Reports made by the worker and kept until what they show changes."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cjgscan.lib.stored import StoredStatus
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Round


class StoredReport(models.Model):
    """One made (or asked-for) PDF: a round's board report, with or without the appendix per key, a werksessie's
    report, or a round's questionnaire to print, in one language. `fingerprint` is a hash of everything the
    document shows that can change (the round's latest release and the previous round's, agreed scores, actions;
    the notes, wishes and votes of a werksessie; the title, groups and closing date of the questionnaire): a
    request with the same fingerprint gets this file again without rendering anything.
    It holds only what the pages already show to every member (released figures, comments of groups shown on
    their own), and nothing that ties an invitation to a response.
    """

    class Kind(models.TextChoices):
        BOARD = "board", _("Board report")
        FULL = "full", _("Board report with the appendix per key")
        WORKSHOP = "workshop", _("Werksessie report")
        PAPER = "paper", _("Questionnaire to print")

    Status = StoredStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="stored_reports")
    round = models.ForeignKey(Round, models.CASCADE, null=True, blank=True, related_name="stored_reports")
    workshop = models.ForeignKey(
        "workshops.Workshop", models.CASCADE, null=True, blank=True, related_name="stored_reports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    language = models.CharField(max_length=10)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    content = models.BinaryField(default=b"", editable=False)
    file_name = models.CharField(max_length=200, blank=True)
    requested_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            # The fingerprint covers the subject (round or werksessie), so this is "one file per version".
            models.UniqueConstraint(
                fields=["organisation", "kind", "language", "fingerprint"], name="one_stored_report_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.language} {self.status}"

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

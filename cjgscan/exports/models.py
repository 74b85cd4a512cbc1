"""Exports made by the worker and kept until what they hold changes (as reports are, cjgscan/reports/models.py)."""

import uuid

from django.db import models
from django.utils import timezone

from cjgscan.lib.stored import StoredStatus
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Round


class StoredExport(models.Model):
    """One made (or asked-for) file of a round's anonymised answers, in one format, separator and language.
    `fingerprint` hashes everything the file holds that can change (the round's latest release, its groups'
    names, the minimum, the titles): a request with the same fingerprint gets this file again, nothing is written.

    The file is kept in parts of at most PART_BYTES (StoredExportPart), written by the worker and sent part by
    part, so neither the worker nor a web process ever holds the whole file. It holds exactly what an
    administrator's download held before (released answers, folded as on the dashboard), nothing that ties an
    invitation to a response, and no time finer than the day.
    """

    Status = StoredStatus  # the same four states, the same words, as a report

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="stored_exports")
    round = models.ForeignKey(Round, models.CASCADE, related_name="stored_exports")
    kind = models.CharField(max_length=12)  # cjgscan.exports.tables.ANSWERS
    file_format = models.CharField(max_length=4)  # csv or xlsx
    delimiter = models.CharField(max_length=1, default=";")  # CSV only
    language = models.CharField(max_length=10)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Progress while it is being made: respondents written of the respondents in the file.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    requested_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            # The fingerprint covers the round, the kind, format, separator and language: one file per version.
            models.UniqueConstraint(fields=["organisation", "fingerprint"], name="one_stored_export_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_format} {self.language} {self.status}"

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.ready:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


class StoredExportPart(models.Model):
    """A piece of a stored export's file, in order."""

    export = models.ForeignKey(StoredExport, models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["export", "number"], name="one_export_part_per_number")]

    def __str__(self) -> str:
        return f"{self.export_id}:{self.number}"

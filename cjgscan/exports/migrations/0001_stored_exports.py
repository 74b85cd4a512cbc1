import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("organisations", "0004_organisation_house_style"),
        ("rounds", "0006_claimed_reminders"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredExport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("kind", models.CharField(max_length=12)),
                ("file_format", models.CharField(max_length=4)),
                ("delimiter", models.CharField(default=";", max_length=1)),
                ("language", models.CharField(max_length=10)),
                ("fingerprint", models.CharField(max_length=64)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting for the worker"),
                            ("running", "Being made"),
                            ("ready", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("done", models.PositiveIntegerField(default=0)),
                ("total", models.PositiveIntegerField(default=0)),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("file_name", models.CharField(blank=True, max_length=200)),
                ("requested_on", models.DateField(default=django.utils.timezone.localdate)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stored_exports",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="stored_exports", to="rounds.round"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "fingerprint"), name="one_stored_export_per_version")
                ],
            },
        ),
        migrations.CreateModel(
            name="StoredExportPart",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                (
                    "export",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="parts", to="exports.storedexport"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("export", "number"), name="one_export_part_per_number")
                ],
            },
        ),
    ]

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from cjgscan.instruments.i18n import tr


class Instrument(models.Model):
    class Kind(models.TextChoices):
        SCAN = "scan", _("Scan (rated characteristics)")
        DIALOGUE = "dialogue", _("Dialogue (open questions)")

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def latest_version(self) -> "InstrumentVersion | None":
        return self.versions.order_by("-number").first()


class InstrumentVersionQuerySet(models.QuerySet["InstrumentVersion"]):
    def latest_per_instrument(self) -> "InstrumentVersionQuerySet":
        """The newest version of every instrument, in one query."""
        newest = InstrumentVersion.objects.filter(instrument=models.OuterRef("instrument")).order_by("-number")
        return self.filter(pk=models.Subquery(newest.values("pk")[:1])).select_related("instrument")


class InstrumentVersion(models.Model):
    """One loaded state of an instrument file, never changed once loaded; new content makes a new version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instrument = models.ForeignKey(Instrument, models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    title = models.JSONField()
    short_title = models.JSONField()
    introduction = models.JSONField()
    source = models.JSONField()
    document = models.JSONField(help_text="The validated file content, as loaded.")
    loaded_from = models.CharField(max_length=255)
    loaded_at = models.DateTimeField(auto_now_add=True)

    objects = InstrumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["instrument__slug", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="unique_version_number"),
            models.UniqueConstraint(fields=["instrument", "content_hash"], name="unique_version_content"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.slug} v{self.number}"

    @property
    def display_title(self) -> str:
        return tr(self.title)

    def default_scale(self) -> "Scale | None":
        return self.scales.filter(is_default=True).first()

    @property
    def glossary(self) -> list[dict[str, Any]]:
        """Words a reader may not know, with a one-line explanation (the file's optional `glossary`)."""
        return list(self.document.get("glossary", []))


class Cluster(models.Model):
    version = models.ForeignKey(InstrumentVersion, models.CASCADE, related_name="clusters")
    code = models.CharField(max_length=20)
    position = models.PositiveIntegerField()
    title = models.JSONField()
    description = models.JSONField()
    source = models.CharField(max_length=100)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_cluster_code")]

    def __str__(self) -> str:
        return f"{self.code} {tr(self.title)}"


class Theme(models.Model):
    """A key (sleutel) of a scan or a pillar (pijler) of a dialogue."""

    class Kind(models.TextChoices):
        KEY = "key", _("key")
        PILLAR = "pillar", _("pillar")

    version = models.ForeignKey(InstrumentVersion, models.CASCADE, related_name="themes")
    code = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField()
    cluster = models.ForeignKey(Cluster, models.PROTECT, null=True, blank=True, related_name="themes")
    title = models.JSONField()
    description = models.JSONField()
    note = models.JSONField(default=dict, blank=True, help_text="Context for today's reader, in our own words.")
    source = models.CharField(max_length=100)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_theme_code")]

    def __str__(self) -> str:
        return f"{self.code} {tr(self.title)}"


class Item(models.Model):
    """A characteristic (kenmerk) to rate, or a guiding question (vraag) for a dialogue."""

    theme = models.ForeignKey(Theme, models.CASCADE, related_name="items")
    code = models.CharField(max_length=20, db_index=True)
    position = models.PositiveIntegerField()
    text = models.JSONField()
    explanation = models.JSONField(default=list)
    note = models.JSONField(default=dict, blank=True, help_text="Context for today's reader, in our own words.")
    terms = models.JSONField(default=list, blank=True, help_text="Glossary entries for words in this item.")
    source = models.CharField(max_length=100)

    class Meta:
        ordering = ["theme__number", "position"]
        constraints = [models.UniqueConstraint(fields=["theme", "code"], name="unique_item_code")]

    def __str__(self) -> str:
        return self.code


class Tip(models.Model):
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="tips")
    code = models.CharField(max_length=20)
    position = models.PositiveIntegerField()
    text = models.JSONField()
    explanation = models.JSONField(default=list)
    note = models.JSONField(default=dict, blank=True, help_text="Context for today's reader, in our own words.")
    source = models.CharField(max_length=100)

    class Meta:
        ordering = ["theme__number", "position"]
        constraints = [models.UniqueConstraint(fields=["theme", "code"], name="unique_tip_code")]

    def __str__(self) -> str:
        return self.code


class Profession(models.Model):
    """A professional group (beroepsgroep) that respondents can choose."""

    version = models.ForeignKey(InstrumentVersion, models.CASCADE, related_name="professions")
    code = models.CharField(max_length=20)
    position = models.PositiveIntegerField()
    name = models.JSONField()
    source = models.CharField(max_length=100)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_profession_code")]

    def __str__(self) -> str:
        return f"{self.code} {tr(self.name)}"


class Scale(models.Model):
    version = models.ForeignKey(InstrumentVersion, models.CASCADE, related_name="scales")
    code = models.SlugField()
    is_default = models.BooleanField(default=False)
    title = models.JSONField()

    class Meta:
        ordering = ["-is_default", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_scale_code")]

    def __str__(self) -> str:
        return f"{self.code} ({tr(self.title)})"

    @property
    def points(self) -> int:
        return sum(1 for option in self.options.all() if option.value is not None)


class ScaleOption(models.Model):
    """A point on the scale (value 1..n), or an answer that never counts in scores (value NULL)."""

    scale = models.ForeignKey(Scale, models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.SlugField()
    label = models.JSONField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="unique_option_code")]

    def __str__(self) -> str:
        return f"{self.code}: {tr(self.label)}"

    @property
    def counts_in_scores(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "value": self.value, "label": self.label}

"""What the API returns and accepts (pydantic models through django-ninja); they make the OpenAPI spec."""

import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator, model_validator

Text = dict[str, str]  # an instrument text in both languages: {"nl": ..., "en": ...}


class OrganisationOut(Schema):
    uuid: UUID
    name: str
    municipality: str
    region: str
    role: str = Field(description="Your role: beheerder, coordinator or lezer.")


class RoundOut(Schema):
    uuid: UUID
    title: str
    instrument: str = Field(description="The instrument's slug.")
    instrument_version: int
    status: str
    opens_on: datetime.date
    closes_on: datetime.date
    min_group_size: int
    asks_profession: bool
    asks_importance: bool


class ColumnOut(Schema):
    key: str = Field(
        description='"all", a group\'s uuid / a profession code, or "other" ("other-2", …) for several shown together.'
    )
    label: str
    respondents: int
    together: bool = Field(description="Several groups (or professions) shown as one column; see `explanations`.")


class ScoreOut(Schema):
    column: str
    mean: float | None
    percent: float | None
    items: int
    consensus: str | None


class ItemScoreOut(Schema):
    column: str
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    percent: float | None
    dont_know: int
    not_applicable: int
    distribution: dict[str, int] = Field(description="Scale value -> number of answers.")
    consensus: str | None


class KeyResultOut(Schema):
    code: str
    number: int
    title: Text
    scores: list[ScoreOut]


class ItemResultOut(Schema):
    code: str
    key: str
    text: Text
    scores: list[ItemScoreOut]


class ResultsOut(Schema):
    round: UUID
    per: Literal["groep", "beroep"]
    visible: bool = Field(description="False until the round's first release (at closing, or an interim one).")
    release: int | None = Field(description="The number of the release shown; releases are snapshots.")
    released_on: datetime.date | None
    waiting: bool = Field(description="Answers were sent after this release; they wait for the next one.")
    explanations: list[str] = Field(description="Which groups or professions are shown together, and why.")
    min_group_size: int
    scale_points: int
    respondents: int | None
    columns: list[ColumnOut]
    overall: list[ScoreOut]
    keys: list[KeyResultOut]
    items: list[ItemResultOut]


Phase = Literal["plan", "do", "check", "act"]


class ActionOut(Schema):
    uuid: UUID
    round: UUID | None
    theme_code: str
    item_code: str
    title: str
    description: str
    owner: str
    starts_on: datetime.date | None
    due_on: datetime.date | None
    phase: Phase
    source: str  # a short code: wish, gap S3.K2, weak S3.K2, tip S3.T1, api (never a uuid)
    origin: str  # where the action came from, in words: "werksessie 12 mei 2026, vraag P3.V2"
    created_at: datetime.datetime
    updated_at: datetime.datetime


CODE = r"^([A-Z][A-Z0-9]*(\.[A-Z][A-Z0-9]*)*)?$"
# Text without NUL bytes (PostgreSQL cannot store them); the pattern documents it, the validator enforces it.
TEXT = r"^[^\x00]*$"
TITLE = r"^[^\x00]*\S[^\x00]*$"


def refuse_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("Text may not contain NUL bytes.")
    return value


class BodyIn(Schema):
    """A request body: a JSON object. Without this check a JSON string such as "AAA" was read through its
    attributes (django-ninja's from_attributes), and "AAA".title() became an action titled "Aaa"."""

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, value: Any, handler: Any) -> Any:
        if not isinstance(value, dict | cls):
            raise ValueError(f"the body must be a JSON object, found {type(value).__name__}")
        return handler(value)


class ActionIn(BodyIn):
    title: str = Field(min_length=1, max_length=200, pattern=TITLE)
    description: str = Field("", max_length=5000, pattern=TEXT)
    theme_code: str = Field("", max_length=20, pattern=CODE, description="A key or pillar, e.g. S3.")
    item_code: str = Field("", max_length=20, pattern=CODE, description="A characteristic, e.g. S3.K2.")
    round: UUID | None = Field(None, description="The round (meting) the action follows from.")
    owner_name: str = Field("", max_length=200, pattern=TEXT)
    starts_on: datetime.date | None = None
    due_on: datetime.date | None = None
    phase: Phase = "plan"

    _no_nul = field_validator("title", "description", "owner_name")(refuse_nul)


class ActionPatch(BodyIn):
    title: str | None = Field(None, min_length=1, max_length=200, pattern=TITLE)
    description: str | None = Field(None, max_length=5000, pattern=TEXT)
    owner_name: str | None = Field(None, max_length=200, pattern=TEXT)
    starts_on: datetime.date | None = None
    due_on: datetime.date | None = None
    phase: Phase | None = None

    _no_nul = field_validator("title", "description", "owner_name")(refuse_nul)


class InstrumentOut(Schema):
    slug: str
    kind: str
    title: Text
    latest_version: int
    versions: list[int]


class InstrumentVersionOut(Schema):
    slug: str
    kind: str
    version: int
    title: Text
    short_title: Text
    source: dict[str, str]
    introduction: dict[str, Any]
    clusters: list[dict[str, Any]]
    scales: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    professions: list[dict[str, Any]]

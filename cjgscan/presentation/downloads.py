"""A chart as the pages show it, with the data it draws."""

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Chart:
    name: str  # "radar", "heatmap", a characteristic's code, "trend"
    title: str
    svg: SafeString
    header: list[str]
    rows: list[list[Any]]  # exactly the values the chart draws, one row per label

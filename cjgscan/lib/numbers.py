"""Figures as people read them: 3,4 in Dutch and 3.4 in English (the active language decides), a dash when there
is none. Pages, charts, the PDF report and the summary sentences all format through here."""

import math

from django.template.defaultfilters import floatformat


def number(value: float | None, decimals: int = 1) -> str:
    """3,4 / 3.4; "–" when there is no figure. Rounds half up, as the tables do (number_format truncates)."""
    if value is None or not math.isfinite(value):
        return "–"
    return str(floatformat(value, decimals))


def signed(value: float | None) -> str:
    """A change with its sign: +0,4 / −0,4 (a real minus sign) / 0,0 when it rounds to nothing; a dash without one."""
    if value is None:
        return "–"
    shown = number(abs(value))
    if shown == number(0.0):
        return shown
    return ("+" if value > 0 else "−") + shown


def percent(value: float | None) -> str:
    return "–" if value is None else f"{floatformat(value, 0)}%"


def percent_share(value: float | None) -> str:
    """A share 0…1 as a percentage."""
    return "–" if value is None else f"{floatformat(value * 100, 0)}%"

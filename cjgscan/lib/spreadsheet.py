"""Spreadsheet safety shared by every export (CSV and XLSX).

A spreadsheet program runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
formula; text from users must never do that. Such text gets a leading apostrophe, which shows it as text.
"""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """The value to write into a cell: text that a spreadsheet would read as a formula is prefixed with '.

    Numbers, dates and None pass unchanged, so that a negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Any) -> list[Any]:
    return [safe_cell(value) for value in values]

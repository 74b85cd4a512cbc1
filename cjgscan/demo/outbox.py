"""The demo's mailbox: an e-mail backend that keeps every message as a file, read on the "Post" page.

Only for local use (`make demo`): it is refused when DEBUG is off (system check cjgscan.demo.E001) and its page
answers 404 then. The files sit in DATA_DIR/outbox, outside the database, so a copy of the database still ties
no address to a link (docs/privacy.md); like a real mailbox, whoever reads the files can follow the links.
"""

import email
import email.policy
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage as ParsedMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

BACKEND = "cjgscan.demo.outbox.EmailBackend"
NAME_PATTERN = re.compile(r"^[0-9]{19,20}-[0-9a-f]{8}$")
SHOWN = 200


def outbox_dir() -> Path:
    return Path(getattr(settings, "OUTBOX_DIR", None) or Path(settings.DATA_DIR) / "outbox")


def enabled() -> bool:
    """The outbox (and its page) work only in a DEBUG installation that sends its mail there."""
    return bool(settings.DEBUG) and settings.EMAIL_BACKEND == BACKEND


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = outbox_dir()
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{time.time_ns():020d}-{secrets.token_hex(4)}"
            partial = directory / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes(linesep="\n"))
            partial.rename(directory / f"{name}.eml")  # whole or not at all for a reader of the page
            sent += 1
        return sent


@dataclass(frozen=True)
class Mail:
    name: str
    to: str
    subject: str
    sent: Any  # datetime or None
    body: str


def _read(path: Path) -> Mail:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, ParsedMessage)
    part = parsed.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else ""
    date = parsed.get("Date")
    return Mail(
        path.stem, str(parsed.get("To", "")), str(parsed.get("Subject", "")), date and parsedate_to_datetime(date), body
    )


def messages() -> list[Mail]:
    """The newest messages first."""
    directory = outbox_dir()
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.eml"), reverse=True)[:SHOWN]
    return [_read(path) for path in paths if NAME_PATTERN.match(path.stem)]


def message(name: str) -> Mail | None:
    if not NAME_PATTERN.match(name):
        return None
    path = outbox_dir() / f"{name}.eml"
    return _read(path) if path.is_file() else None


@register()
def check_outbox_only_in_debug(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.EMAIL_BACKEND == BACKEND and not settings.DEBUG:
        return [
            Error(
                "EMAIL_URL=outbox:// keeps e-mail in files for the demo and is not allowed when DEBUG is off.",
                hint="Use smtp:// (or console://) in production.",
                id="cjgscan.demo.E001",
            )
        ]
    return []

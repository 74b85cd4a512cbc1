"""The demo's Post page: sent e-mail readable in the app, never in production (issue 12, item 6)."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cjgscan.demo import outbox
from cjgscan.web.tasks import send_password_reset

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Any:
    with override_settings(DEBUG=True, EMAIL_BACKEND=outbox.BACKEND, OUTBOX_DIR=str(tmp_path)):
        yield tmp_path


def test_sent_mail_is_readable_on_the_post_page_with_its_links(outbox_dir: Path) -> None:
    get_user_model().objects.create_user("iemand@demodorp.nl", "iemand@demodorp.nl", "x")
    client = Client()
    assert b"data-no-mails" in client.get(reverse("demo_mail_list")).content
    reply = client.post(reverse("password_reset"), {"email": "iemand@demodorp.nl"}, follow=True)
    assert b"data-demo-post" in reply.content  # "Kijk in je e-mail": here, in the demo
    for task in DBTaskResult.objects.filter(task_path=send_password_reset.module_path):  # what the worker does
        send_password_reset.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])
    listing = client.get(reverse("demo_mail_list")).content.decode()
    name = next(path.stem for path in outbox_dir.glob("*.eml"))
    assert f'href="/post/{name}/"' in listing and "iemand@demodorp.nl" in listing
    detail = client.get(reverse("demo_mail_detail", args=[name])).content.decode()
    assert 'href="http://testserver/wachtwoord-instellen/' in detail
    assert client.get("/post/../../etc/passwd/").status_code == 404
    assert client.get(reverse("demo_mail_detail", args=["12345678901234567890-deadbeef"])).status_code == 404


def test_the_post_page_is_not_there_in_production(outbox_dir: Path) -> None:
    (outbox_dir / "00000000000000000001-abcdef12.eml").write_text("To: a@b.nl\nSubject: geheim\n\nhttp://x/r/t/\n")
    assert Client().get(reverse("demo_mail_list")).status_code == 200
    with override_settings(DEBUG=False):
        assert Client().get(reverse("demo_mail_list")).status_code == 404
        assert Client().get(reverse("demo_mail_detail", args=["00000000000000000001-abcdef12"])).status_code == 404
        assert [e.id for e in run_checks() if e.id == "cjgscan.demo.E001"] == ["cjgscan.demo.E001"]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
        assert Client().get(reverse("demo_mail_list")).status_code == 404
        assert not [e for e in run_checks() if e.id == "cjgscan.demo.E001"]


def test_the_outbox_backend_keeps_each_message_whole(outbox_dir: Path) -> None:
    from django.core.mail import send_mail

    send_mail("Uitnodiging", "Je link: http://127.0.0.1:8000/r/abc/\n", None, ["a@voorbeeld.nl", "b@voorbeeld.nl"])
    send_mail("Herinnering", "Nog een keer", None, ["a@voorbeeld.nl"])
    mails = outbox.messages()
    assert [m.subject for m in mails] == ["Herinnering", "Uitnodiging"]
    assert mails[1].to == "a@voorbeeld.nl, b@voorbeeld.nl" and isinstance(mails[1].sent, datetime.datetime)
    assert not list(outbox_dir.glob(".*.tmp"))

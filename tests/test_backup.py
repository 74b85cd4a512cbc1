"""`cjgscan backup` / `cjgscan restore`: a round trip of all data, on SQLite and on PostgreSQL."""

import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from cjgscan.organisations.models import Membership, Organisation, Role
from cjgscan.rounds.models import Answer, Invitation, Response, Round, ThemeAnswer
from tests.factories import make_membership, make_organisation, make_response, make_round, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, object]:
    return {
        "users": sorted(get_user_model().objects.values_list("username", "password", "first_name")),
        "organisations": sorted(Organisation.objects.values_list("uuid", "name")),
        "memberships": sorted(Membership.objects.values_list("user__username", "organisation__uuid", "role")),
        "rounds": sorted(Round.objects.values_list("uuid", "title", "status", "min_group_size", "closes_on")),
        "invitations": sorted(Invitation.objects.values_list("uuid", "email", "token_hash", "send_count")),
        "responses": sorted(
            Response.objects.values_list("id", "token_hash", "status", "channel", "group__name", "profession")
        ),
        "answers": sorted(Answer.objects.values_list("response_id", "item__code", "option__code", "value")),
        "comments": sorted(ThemeAnswer.objects.values_list("response_id", "theme__code", "comment", "importance")),
        "per_round": sorted(Response.objects.values_list("round__uuid").annotate(n=Count("pk"))),
    }


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    organisation = make_organisation("CJG Terugzetten — «ëèï»")
    make_membership(make_user("Hanna"), organisation, Role.BEHEERDER)
    round_ = make_round(organisation, title="Meting <voorjaar> & 'zo'")
    group = round_.groups.first()
    Invitation.objects.create(round=round_, group=group, email="iemand@example.nl")
    for n in range(6):
        make_response(
            round_,
            group,
            {"S1.K1": f"v{n % 4 + 1}", "S1.K2": "dont_know", "S7.K3": "v2"},
            comments={"S1": f'opmerking {n}: "quotes", nieuwe\nregel, emoji 🙂'},
            importance={"S2": 4},
        )
    make_response(round_, group, {"S1.K1": "v1"}, submitted=False)
    before = snapshot()
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(zipfile.ZipFile(path).namelist()) == {"manifest.json", "data.json"}

    # A non-empty database is not overwritten without --force.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))

    # Into an emptied database: everything comes back, identical (the same uuids, token hashes, password hashes).
    call_command("flush", interactive=False, verbosity=0)
    assert Organisation.objects.count() == 0
    call_command("restore", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before

    # Restoring again over the same data with --force changes nothing, and new rows still get fresh ids.
    call_command("restore", str(path), "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before
    make_round(Organisation.objects.get(), title="Na het terugzetten")
    assert Round.objects.count() == 2


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.zip"
    with zipfile.ZipFile(bogus, "w") as archive:
        archive.writestr("manifest.json", '{"format": "something-else"}')
    with pytest.raises(CommandError, match="not a cjgscan backup"):
        call_command("restore", str(bogus))
    (tmp_path / "text.zip").write_text("not a zip")
    with pytest.raises(CommandError, match="not a cjgscan backup"):
        call_command("restore", str(tmp_path / "text.zip"))

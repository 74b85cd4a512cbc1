"""In Chromium, with axe-core on every page: make and revoke an API key; download an instrument as YAML;
an installation administrator loads a broken and then a good instrument file."""

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from cjgscan.api.models import ApiToken
from cjgscan.instruments.models import InstrumentVersion
from cjgscan.organisations.models import Role
from tests.browser.helpers import BrowserPage
from tests.browser.test_instrument_browser import log_in
from tests.factories import load_builtin_instruments, make_membership, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MINI = Path(__file__).parent.parent / "data" / "mini-scan.yaml"


@pytest.fixture
def coordinator():  # type: ignore[no-untyped-def]
    load_builtin_instruments()
    user = make_user("Coco")
    make_membership(user, make_organisation("CJG Sleuteldorp"), Role.COORDINATOR)
    return user


def test_make_use_and_revoke_an_api_key(page: BrowserPage, coordinator, live_server) -> None:  # type: ignore[no-untyped-def]
    log_in(page, coordinator.email)
    page.locator("a[href='/account/api-sleutels/']").click()
    page.check_accessibility()
    page.locator("#id_name").fill("Rapportage")
    page.locator("#id_scope").select_option("write")
    page.locator("#id_name").press("Enter")
    secret_box = page.locator("#new-api-key")
    expect(secret_box).to_be_visible()
    page.check_accessibility()
    secret = secret_box.input_value()
    assert secret.startswith("cjg_")
    token = ApiToken.objects.get(user=coordinator)
    assert token.scope == "write" and token.token_hash == ApiToken.hash_secret(secret)

    response = page.request.get(f"{live_server.url}/api/v1/organisaties", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200 and response.headers["api-version"] == "1.0"
    assert response.json()[0]["name"] == "CJG Sleuteldorp"

    page.visit("/account/api-sleutels/")  # the secret is in the POST's response only, never stored
    expect(page.locator("#new-api-key")).to_have_count(0)
    page.locator("form[action$='/intrekken/'] button").click()
    page.wait_for_url(re.compile(r"/account/api-sleutels/$"))
    page.check_accessibility()
    assert not ApiToken.objects.exists()


def test_download_an_instrument_as_yaml(page: BrowserPage, coordinator) -> None:  # type: ignore[no-untyped-def]
    log_in(page, coordinator.email)
    page.visit("/instrumenten/vijf-pijlers/")
    link = page.locator("a[href='/instrumenten/vijf-pijlers/yaml/?versie=1']")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "vijf-pijlers-v1.yaml"
    assert yaml.safe_load(Path(download.path()).read_text())["slug"] == "vijf-pijlers"


def test_an_administrator_loads_instrument_files(page: BrowserPage, tmp_path: Path) -> None:
    load_builtin_instruments()
    admin = make_user("Beheerder", is_staff=True, is_superuser=True)
    make_membership(admin, make_organisation("CJG Beheerdorp"), Role.BEHEERDER)
    log_in(page, admin.email)
    page.visit("/instrumenten/")
    page.locator("a[href='/instrumenten/laden/']").click()
    page.check_accessibility()

    broken = yaml.safe_load(MINI.read_text())
    del broken["themes"][0]["items"][0]["text"]["en"]
    broken_file = tmp_path / "kapot.yaml"
    broken_file.write_text(yaml.safe_dump(broken, allow_unicode=True))
    page.locator("#id_file").set_input_files(str(broken_file))
    page.locator("button[type=submit].utrecht-button--primary-action").click()
    problems = page.locator("#upload-problems")
    expect(problems).to_contain_text("kapot.yaml")
    expect(problems).to_contain_text("themes[1] (M1).items[1] (M1.K1).text")
    page.check_accessibility()
    assert not InstrumentVersion.objects.filter(instrument__slug="mini-scan").exists()

    page.locator("#id_file").set_input_files(str(MINI))
    page.locator("button[type=submit].utrecht-button--primary-action").click()
    page.wait_for_url(re.compile(r"/instrumenten/mini-scan/\?versie=1$"))
    page.check_accessibility()
    assert InstrumentVersion.objects.filter(instrument__slug="mini-scan").count() == 1

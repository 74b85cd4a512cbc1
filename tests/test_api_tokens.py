"""Account › API keys: made and revoked in the UI, the secret shown once and stored only as a keyed hash."""

import re

from django.urls import reverse

from cjgscan.api.models import ApiToken
from tests.base import BaseTestCase

URL = "/account/api-sleutels/"


class ApiKeyPageTests(BaseTestCase):
    def make(self, **data: str) -> str:
        response = self.client.post(URL, {"name": "Power BI", "scope": "read", "organisation": "", **data})
        self.assertEqual(response.status_code, 200)
        match = re.search(r'value="(cjg_[A-Za-z0-9_-]+)"', response.content.decode())
        assert match, response.content
        return match.group(1)

    def test_the_address(self) -> None:
        self.assertEqual(reverse("api_token_list"), URL)

    def test_login_needed(self) -> None:
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}", fetch_redirect_response=False)

    def test_a_new_key_is_shown_once_and_stored_hashed(self) -> None:
        self.client.force_login(self.alice)
        secret = self.make(scope="write", organisation=str(self.org_a.uuid))
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual((token.scope, token.organisation, token.name), ("write", self.org_a, "Power BI"))
        self.assertNotEqual(token.token_hash, secret)
        self.assertEqual(token.token_hash, ApiToken.hash_secret(secret))
        self.assertTrue(secret.startswith(token.hint))
        for value in ApiToken.objects.values_list(flat=False).get(pk=token.pk):
            self.assertNotEqual(value, secret)
        page = self.client.get(URL)
        self.assertNotContains(page, secret)
        self.assertContains(page, token.hint)
        self.assertEqual(page["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private")
        response = self.client.get("/api/v1/organisaties", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual([o["name"] for o in response.json()], ["CJG Aadorp"])

    def test_only_own_organisations_can_be_chosen(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(URL, {"name": "x", "scope": "read", "organisation": str(self.org_c.uuid)})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiToken.objects.exists())
        self.assertNotContains(response, "cjg_")
        self.assertNotContains(response, "CJG Ceeveen")

    def test_a_name_and_a_known_scope_are_needed(self) -> None:
        self.client.force_login(self.alice)
        for data in ({"name": "   ", "scope": "read"}, {"name": "x", "scope": "admin"}):
            response = self.client.post(URL, {"organisation": "", **data})
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "cjg_")
        self.assertFalse(ApiToken.objects.exists())

    def test_the_list_shows_only_ones_own_keys(self) -> None:
        ApiToken.issue(self.dave, "Van Dave", "read", None)
        ApiToken.issue(self.alice, "Van Alice", "read", None)
        self.client.force_login(self.alice)
        with self.assertNumQueries(4):  # session, user, memberships, keys
            page = self.client.get(URL)
        self.assertContains(page, "Van Alice")
        self.assertNotContains(page, "Van Dave")

    def test_revoke(self) -> None:
        token, secret = ApiToken.issue(self.alice, "Weg ermee", "read", None)
        revoke = reverse("api_token_revoke", args=[token.uuid])
        self.client.force_login(self.dave)
        self.assertEqual(self.client.post(revoke).status_code, 404)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(revoke).status_code, 405)
        self.assertRedirects(self.client.post(revoke), URL)
        self.assertFalse(ApiToken.objects.filter(pk=token.pk).exists())
        response = self.client.get("/api/v1/organisaties", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 401)

    def test_the_forms_need_a_csrf_token(self) -> None:
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        self.assertEqual(client.post(URL, {"name": "x", "scope": "read"}).status_code, 403)
        token, _secret = ApiToken.issue(self.alice, "Blijft", "read", None)
        self.assertEqual(client.post(reverse("api_token_revoke", args=[token.uuid])).status_code, 403)
        self.assertTrue(ApiToken.objects.filter(pk=token.pk).exists())

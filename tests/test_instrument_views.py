"""The instrument browser: readable for every logged-in user, in a fixed number of queries."""

from django.urls import reverse

from tests.base import BaseTestCase


class InstrumentBrowserTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.bob)

    def test_list_shows_both_instruments_with_counts(self) -> None:
        # session, user, versions with counts, memberships (menu)
        with self.assertNumQueries(4):
            response = self.client.get(reverse("instrument_list"))
        self.assertContains(response, "Zeven sleutels voor een werkend CJG")
        self.assertContains(response, "Vijf pijlers voor CJG-ontwikkeling")
        self.assertContains(response, "51 kenmerken")
        self.assertContains(response, "30 richtvragen")

    def test_detail_shows_clusters_keys_and_scales(self) -> None:
        # session, user, memberships (menu), instrument, version, clusters, themes, scales, options, versions
        with self.assertNumQueries(10):
            response = self.client.get(reverse("instrument_detail", args=["zeven-sleutels"]))
        self.assertContains(response, "Volledig aanwezig en geborgd")
        self.assertContains(response, "Weet ik niet")
        for code in ("S1", "S4", "S7"):
            self.assertContains(response, reverse("theme_detail", args=["zeven-sleutels", code]))

    def test_key_page_shows_characteristics_tips_and_professions(self) -> None:
        # session, user, memberships (menu), instrument, version, themes, items, tips, professions
        with self.assertNumQueries(9):
            response = self.client.get(reverse("theme_detail", args=["zeven-sleutels", "S4"]))
        self.assertContains(response, "S4.K7")
        self.assertContains(response, "S4.T4")
        self.assertContains(response, "Jeugdartsen")
        self.assertContains(response, 'rel="prev"')
        self.assertContains(response, 'rel="next"')

    def test_pillar_page_shows_the_questions(self) -> None:
        response = self.client.get(reverse("theme_detail", args=["vijf-pijlers", "P3"]))
        self.assertContains(response, "P3.V9")
        self.assertNotContains(response, "Jeugdartsen")

    def test_english_on_request(self) -> None:
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("theme_detail", args=["zeven-sleutels", "S1"]))
        self.assertContains(response, "Inspiring mission and vision")
        self.assertContains(response, '<html lang="en"', html=False)

    def test_dutch_by_default_whatever_the_browser_says(self) -> None:
        response = self.client.get(reverse("instrument_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="nl"')
        self.assertContains(response, "Instrumenten")

    def test_an_older_version_stays_browsable(self) -> None:
        response = self.client.get(reverse("instrument_detail", args=["zeven-sleutels"]) + "?versie=1")
        self.assertEqual(response.status_code, 200)
        for bad in ("2", "x", "-1"):
            url = reverse("instrument_detail", args=["zeven-sleutels"]) + f"?versie={bad}"
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_unknown_instrument_or_theme_gets_404(self) -> None:
        self.assertEqual(self.client.get(reverse("instrument_detail", args=["nope"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("theme_detail", args=["zeven-sleutels", "S9"])).status_code, 404)
        # A pillar code does not belong to the seven keys.
        self.assertEqual(self.client.get(reverse("theme_detail", args=["zeven-sleutels", "P1"])).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        self.client.logout()
        for url in (
            reverse("instrument_list"),
            reverse("instrument_detail", args=["zeven-sleutels"]),
            reverse("theme_detail", args=["zeven-sleutels", "S1"]),
        ):
            self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_pages_carry_a_strict_content_security_policy(self) -> None:
        response = self.client.get(reverse("instrument_list"))
        csp = response.headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("<script>", response.content.decode())
        self.assertNotIn("style=", response.content.decode())

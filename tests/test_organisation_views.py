"""Organisation pages through HTTP: who sees what, who may change what."""

from django.urls import reverse

from cjgscan.organisations.access import SESSION_KEY
from tests.base import BaseTestCase


class OrganisationHomeTests(BaseTestCase):
    def url(self, org=None) -> str:  # type: ignore[no-untyped-def]
        return reverse("organisation_home", args=[(org or self.org_a).uuid])

    def test_member_sees_the_organisation_its_members_and_instruments(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(self.url())  # the first visit remembers the organisation in the session
        with self.assertNumQueries(11):  # 6 + the cockpit: rounds, three about actions, one for the first steps
            response = self.client.get(self.url())
        self.assertContains(response, "CJG Aadorp")
        self.assertContains(response, "Aadorp")
        for name in ("Alice", "Bob", "Carol"):
            self.assertContains(response, name)
        self.assertNotContains(response, "Dave")
        self.assertContains(response, reverse("instrument_detail", args=["zeven-sleutels"]))
        self.assertNotContains(response, reverse("organisation_edit", args=[self.org_a.uuid]))

    def test_query_count_does_not_grow_with_members(self) -> None:
        from cjgscan.organisations.models import Role
        from tests.factories import make_membership, make_user

        for _ in range(5):
            make_membership(make_user(), self.org_a, Role.LEZER)
        self.client.force_login(self.bob)
        self.client.get(self.url())
        with self.assertNumQueries(11):
            self.client.get(self.url())

    def test_outsider_gets_404(self) -> None:
        self.client.force_login(self.dave)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "CJG Aadorp", status_code=404)

    def test_unknown_organisation_gets_404(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("organisation_home", args=["00000000-0000-0000-0000-000000000000"]))
        self.assertEqual(response.status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url())
        self.assertRedirects(response, f"{reverse('login')}?next={self.url()}")

    def test_beheerder_sees_the_edit_link(self) -> None:
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.url()), reverse("organisation_edit", args=[self.org_a.uuid]))


class HomeTests(BaseTestCase):
    def test_single_organisation_goes_straight_there(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, reverse("organisation_home", args=[self.org_a.uuid]))

    def test_consultant_chooses_between_organisations_and_switches(self) -> None:
        self.client.force_login(self.carol)
        with self.assertNumQueries(3):
            response = self.client.get(reverse("home"))
        self.assertContains(response, "CJG Aadorp")
        self.assertContains(response, "CJG Beestad")
        self.assertNotContains(response, "CJG Ceeveen")
        response = self.client.get(reverse("organisation_home", args=[self.org_b.uuid]))
        self.assertContains(response, "CJG Beestad")
        self.assertEqual(self.client.session[SESSION_KEY], str(self.org_b.uuid))
        # The switcher on every page lists both organisations.
        self.assertContains(response, reverse("organisation_home", args=[self.org_a.uuid]))
        self.assertContains(response, 'aria-current="page"')

    def test_user_without_organisation_is_told_what_to_do(self) -> None:
        from tests.factories import make_user

        self.client.force_login(make_user("Eve"))
        self.assertContains(self.client.get(reverse("home")), "beheerder")


class OrganisationEditTests(BaseTestCase):
    def url(self) -> str:
        return reverse("organisation_edit", args=[self.org_a.uuid])

    def test_beheerder_edits_the_details(self) -> None:
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.url()), 'name="municipality"')
        response = self.client.post(
            self.url(), {"name": "  CJG   Aadorp-Oost ", "municipality": "Aadorp", "region": ""}
        )
        self.assertRedirects(
            response, reverse("organisation_home", args=[self.org_a.uuid]), fetch_redirect_response=False
        )
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.name, "CJG Aadorp-Oost")
        self.assertEqual(self.org_a.region, "")
        self.assertContains(self.client.get(response.url), "zijn opgeslagen")

    def test_empty_name_is_refused_with_a_dutch_message_and_nothing_saved(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {"name": "", "municipality": "Elders"})
        self.assertContains(response, "Dit veld is verplicht")
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.municipality, "Aadorp")

    def test_reader_gets_403(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        response = self.client.post(self.url(), {"name": "Overgenomen"})
        self.assertEqual(response.status_code, 403)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.name, "CJG Aadorp")

    def test_coordinator_gets_403(self) -> None:
        self.client.force_login(self.carol)
        self.assertEqual(self.client.post(self.url(), {"name": "Overgenomen"}).status_code, 403)

    def test_outsider_gets_404(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), {"name": "Overgenomen"}).status_code, 404)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.name, "CJG Aadorp")

    def test_post_without_csrf_token_is_refused(self) -> None:
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        self.assertEqual(client.post(self.url(), {"name": "Zonder token"}).status_code, 403)

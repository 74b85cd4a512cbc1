"""The organisation page as a cockpit, the login page's one sentence, and the organisation's house style (colour,
logo) through HTTP."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cjgscan.development.models import Action
from cjgscan.organisations.branding import contrast_with_white
from cjgscan.organisations.models import OrganisationLogo
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release

ANSWERS = ["v1", "v2", "v3", "v4"]


def answers(n: int, shift: int = 0) -> dict[str, str]:
    return {f"S{k}.K{i}": ANSWERS[(n + k + i + shift) % 4] for k in range(1, 8) for i in range(1, 4)}


class CockpitTests(BaseTestCase):
    def url(self) -> str:
        return reverse("organisation_home", args=[self.org_a.uuid])

    def fill(self) -> Round:
        today = timezone.localdate()
        closed = make_round(self.org_a, title="Meting voorjaar", opens_on=today - datetime.timedelta(days=200),
                            closes_on=today - datetime.timedelta(days=170))  # fmt: skip
        groups = list(closed.groups.all())
        for n in range(10):
            make_response(closed, groups[n % 2], answers(n, shift=n % 2))
        release(closed, interim=False)
        Round.objects.filter(pk=closed.pk).update(status=Round.Status.CLOSED)
        current = make_round(self.org_a, title="Meting najaar", closes_on=today + datetime.timedelta(days=5))
        current_groups = list(current.groups.all())
        for n in range(6):
            make_response(current, current_groups[0], answers(n))
        release(current)
        make_response(current, current_groups[1], answers(1))  # after the release: must not show
        Action.objects.create(
            organisation=self.org_a, title="Visie <herschrijven>", due_on=today - datetime.timedelta(days=3)
        )
        Action.objects.create(organisation=self.org_a, title="Intervisie evalueren", phase=Action.Phase.CHECK)
        Action.objects.create(organisation=self.org_a, title="Op schema", due_on=today + datetime.timedelta(days=30))
        return current

    def test_a_new_organisation_sees_the_steps_to_take(self) -> None:
        self.client.force_login(self.alice)
        content = self.client.get(self.url()).content.decode()
        for step in ("Maak een meting", "Nodig uit", "Volg de respons", "Bespreek de resultaten", "Plan"):
            self.assertIn(step, content)
        self.assertIn(reverse("round_create", args=[self.org_a.uuid]), content)
        self.assertIn("Er zijn nog geen metingen", content)
        self.assertIn("Nog geen resultaten", content)

    def test_the_cockpit_shows_the_current_round_attention_and_latest_results(self) -> None:
        current = self.fill()
        self.client.force_login(self.bob)
        response = self.client.get(self.url())
        content = response.content.decode()
        self.assertIn("Meting najaar", content)
        self.assertIn("nog 5 dagen", content)
        # Response per group from the latest release: 6 in the first group; the answer sent after it is not counted.
        counts = response.context["cockpit"].current_counts
        self.assertEqual(counts, [(current.groups.first().name, 6)])
        self.assertIn("1 actie is over de datum", content)
        self.assertIn("Visie &lt;herschrijven&gt;", content)
        self.assertIn("1 actie is klaar voor de check", content)
        self.assertNotIn("Op schema", content)
        self.assertIn("sluit op", content)  # closes within a week
        latest = response.context["cockpit"].latest
        self.assertEqual(latest.round, current)  # the newest round with a release
        self.assertIn("Totaalscore", content)
        self.assertIn("Sterkste sleutel", content)
        # Rounds, a release and actions, but nothing discussed yet: the steps stay until every one is done.
        steps = {step.key: step.done for step in response.context["cockpit"].steps}
        self.assertEqual(steps, {"round": True, "invite": True, "response": True, "discuss": False, "plan": True})
        self.assertIn("Aan de slag", content)

    def test_query_count_is_fixed(self) -> None:
        self.fill()
        self.client.force_login(self.bob)
        self.client.get(self.url())
        # 11 of an empty cockpit + the current round's released counts (5) + the latest results (9, as on the
        # results page, without its agreed scores and export form).
        with self.assertNumQueries(25) as first:
            self.client.get(self.url())
        # More rounds, responses and actions cost no extra query.
        extra = make_round(self.org_a, title="Nog een meting", status=Round.Status.DRAFT)
        make_response(extra, extra.groups.first(), answers(2))
        for n in range(8):
            Action.objects.create(organisation=self.org_a, title=f"Actie {n}", phase=Action.Phase.CHECK)
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(self.url())

    def test_outsider_404(self) -> None:
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_login_page_says_what_cjgscan_is(self) -> None:
        content = self.client.get(reverse("login")).content.decode()
        self.assertIn("cjgscan helpt een Centrum voor Jeugd en Gezin", content)


def png(size: tuple[int, int] = (300, 100), fmt: str = "PNG", colour: str = "#1d4f91") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


class HouseStyleTests(BaseTestCase):
    def edit_url(self) -> str:
        return reverse("organisation_edit", args=[self.org_a.uuid])

    def post(self, **data: object) -> object:
        fields = {"name": "CJG Aadorp", "municipality": "Aadorp", "region": "", "colour": ""}
        fields.update(data)  # type: ignore[arg-type]
        return self.client.post(self.edit_url(), fields)

    def test_contrast_by_hand(self) -> None:
        self.assertAlmostEqual(contrast_with_white("#000000"), 21.0)
        self.assertAlmostEqual(contrast_with_white("#ffffff"), 1.0)
        self.assertAlmostEqual(contrast_with_white("#767676"), 4.54, places=2)  # the lightest AA grey

    def test_colour_is_validated_and_contrast_checked(self) -> None:
        self.client.force_login(self.alice)
        for bad in ("red", "#12345", "#ggg000", "url(x)"):
            response = self.post(colour=bad)
            self.assertContains(response, "hexcode van zes tekens")
        response = self.post(colour="#fff;}body{x")  # longer than a colour can be
        self.assertEqual(response.status_code, 200)
        response = self.post(colour="#ffcc00")  # yellow: white text unreadable
        self.assertContains(response, "minstens 4,5:1")
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.colour, "")
        response = self.post(colour="1D4F91")
        self.assertEqual(response.status_code, 302)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.colour, "#1d4f91")

    def test_colour_reaches_the_pages_through_a_stylesheet_not_inline_style(self) -> None:
        self.org_a.colour = "#1d4f91"
        self.org_a.save()
        self.client.force_login(self.bob)
        content = self.client.get(reverse("organisation_home", args=[self.org_a.uuid])).content.decode()
        style_url = reverse("organisation_style", args=[self.org_a.uuid])
        self.assertIn(f'href="{style_url}?v=1d4f91"', content)
        self.assertNotIn("style=", content)
        css = self.client.get(style_url)
        self.assertEqual(css["Content-Type"], "text/css; charset=utf-8")
        self.assertEqual(css.content.decode().strip(), ":root { --cjgscan-accent: #1d4f91; }")
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(style_url).status_code, 404)

    def test_logo_upload_is_re_encoded_and_shown_in_the_header(self) -> None:
        self.client.force_login(self.alice)
        jpeg = png((2000, 500), fmt="JPEG")
        # A PNG with something appended after its end: the stored logo is a fresh encoding, without it.
        tampered = png() + b"<script>alert(1)</script>"
        for data, name in ((jpeg, "logo.jpg"), (tampered, "logo.png")):
            response = self.client.post(
                self.edit_url(), {"name": "CJG Aadorp", "logo": SimpleUploadedFile(name, data, "image/png")}
            )
            self.assertEqual(
                response.status_code, 302, getattr(response, "context", None) and response.context["form"].errors
            )
        logo = OrganisationLogo.objects.get(organisation=self.org_a)
        self.assertTrue(bytes(logo.png).startswith(b"\x89PNG"))
        self.assertNotIn(b"script", bytes(logo.png))
        self.assertEqual((logo.width, logo.height), (300, 100))
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.logo_version, 2)
        self.client.force_login(self.bob)
        content = self.client.get(reverse("round_list", args=[self.org_a.uuid])).content.decode()
        logo_url = reverse("organisation_logo", args=[self.org_a.uuid])
        self.assertIn(f'src="{logo_url}?v=2"', content)
        served = self.client.get(logo_url)
        self.assertEqual((served.status_code, served["Content-Type"]), (200, "image/png"))
        self.assertEqual(served["X-Content-Type-Options"], "nosniff")
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(logo_url).status_code, 404)

    def test_large_logo_is_scaled_into_the_header_box(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.edit_url(), {"name": "CJG Aadorp", "logo": SimpleUploadedFile("l.png", png((3000, 600)))})
        logo = OrganisationLogo.objects.get(organisation=self.org_a)
        self.assertLessEqual(logo.width, 640)
        self.assertLessEqual(logo.height, 160)

    def test_svg_gif_garbage_and_oversized_files_are_refused(self) -> None:
        self.client.force_login(self.alice)
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        gif = io.BytesIO()
        Image.new("RGB", (10, 10)).save(gif, format="GIF")
        big = png((10, 10)) + b"\0" * (600 * 1024)
        for data, words in (
            (svg, "PNG- of JPEG-bestand"),
            (gif.getvalue(), "PNG- of JPEG-bestand"),
            (b"not an image", "PNG- of JPEG-bestand"),
            (big, "hoogstens 512 kB"),
        ):
            response = self.client.post(
                self.edit_url(), {"name": "CJG Aadorp", "logo": SimpleUploadedFile("x.png", data)}
            )
            self.assertContains(response, words)
        self.assertFalse(OrganisationLogo.objects.exists())

    def test_remove_logo(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.edit_url(), {"name": "CJG Aadorp", "logo": SimpleUploadedFile("l.png", png())})
        self.client.post(self.edit_url(), {"name": "CJG Aadorp", "remove_logo": "on"})
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.logo_version, 0)
        self.assertFalse(OrganisationLogo.objects.exists())
        self.assertEqual(self.client.get(reverse("organisation_logo", args=[self.org_a.uuid])).status_code, 404)

    def test_only_a_beheerder_changes_the_house_style(self) -> None:
        for user, status in ((self.bob, 403), (self.carol, 403), (self.dave, 404)):
            self.client.force_login(user)
            response = self.client.post(self.edit_url(), {"name": "X", "colour": "#000000"})
            self.assertEqual(response.status_code, status)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.colour, "")

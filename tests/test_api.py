"""The API through HTTP: keys and scopes, tenant 404s, small-group suppression, headers, problem+json."""

import datetime
import json
from typing import Any
from unittest import mock

from django.test import Client

from cjgscan.api.models import ApiToken
from cjgscan.api.problems import API_VERSION, PROBLEM_CONTENT_TYPE
from cjgscan.development.models import Action
from cjgscan.organisations.models import Organisation
from cjgscan.rounds.models import Round
from tests.base import BaseTestCase
from tests.factories import make_response, make_round, release, unrelease


def key(user: Any, scope: str = ApiToken.Scope.READ, organisation: Organisation | None = None) -> str:
    return ApiToken.issue(user, "test", scope, organisation)[1]


class ApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(cls.org_a, ask_profession=True)
        groups = list(cls.round.groups.all())
        cls.big, cls.medium, cls.tiny = groups[0], groups[1], groups[2]
        cls.tiny.name = "Kleine groep"
        cls.tiny.save()
        for _n in range(6):
            make_response(cls.round, cls.big, {"S1.K1": "v4", "S1.K2": "v3"}, profession="S4.B1")
        for _n in range(5):
            make_response(cls.round, cls.medium, {"S1.K1": "v1", "S1.K2": "v2"}, profession="S4.B2")
        make_response(cls.round, cls.tiny, {"S1.K1": "v2"})
        release(cls.round)
        cls.round_b = make_round(cls.org_b, title="Meting Beestad")
        cls.action = Action.objects.create(organisation=cls.org_a, round=cls.round, title="Visie opschrijven")
        cls.action_b = Action.objects.create(organisation=cls.org_b, title="Actie van Beestad")

    def call(self, method: str, path: str, secret: str | None = None, body: Any = None, **extra: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        data = json.dumps(body) if body is not None else None
        caller = getattr(self.client, method)
        if data is None:
            return caller(f"/api/v1{path}", **headers, **extra)
        return caller(f"/api/v1{path}", data=data, content_type="application/json", **headers, **extra)

    def assertProblem(self, response: Any, status: int) -> dict[str, Any]:  # noqa: N802
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], PROBLEM_CONTENT_TYPE)
        self.assertEqual(response["API-Version"], API_VERSION)
        body = response.json()
        self.assertEqual(body["status"], status)
        self.assertTrue(body["type"] and body["title"] and body["detail"])
        return body


class AuthenticationTests(ApiTestCase):
    def test_the_spec_is_served_with_the_version_header(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["API-Version"], API_VERSION)
        spec = response.json()
        self.assertEqual(spec["info"]["version"], API_VERSION)
        for path in (
            "/api/v1/organisaties",
            "/api/v1/organisaties/{org_uuid}/metingen",
            "/api/v1/organisaties/{org_uuid}/metingen/{round_uuid}/resultaten",
            "/api/v1/organisaties/{org_uuid}/acties",
            "/api/v1/instrumenten",
            "/api/v1/instrumenten/{slug}",
        ):
            self.assertIn(path, spec["paths"])
        self.assertIn("application/problem+json", json.dumps(spec["paths"]["/api/v1/organisaties"]))

    def test_no_key_or_a_wrong_one_is_401(self) -> None:
        for secret in (None, "cjg_wrong", "not-even-ours"):
            response = self.call("get", "/organisaties", secret)
            self.assertProblem(response, 401)
            self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_a_logged_in_session_is_not_enough(self) -> None:
        """No cookie auth on the API: a page in the browser cannot call it on the user's behalf."""
        self.client.force_login(self.alice)
        self.assertProblem(self.call("get", "/organisaties"), 401)
        self.assertProblem(self.call("post", f"/organisaties/{self.org_a.uuid}/acties", body={"title": "x"}), 401)

    def test_a_key_needs_no_csrf_token(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        secret = key(self.alice, ApiToken.Scope.WRITE)
        response = self.call("post", f"/organisaties/{self.org_a.uuid}/acties", secret, body={"title": "Zonder CSRF"})
        self.assertEqual(response.status_code, 201, response.content)

    def test_a_revoked_key_or_an_inactive_user_no_longer_works(self) -> None:
        token, secret = ApiToken.issue(self.alice, "weg", ApiToken.Scope.READ, None)
        self.assertEqual(self.call("get", "/organisaties", secret).status_code, 200)
        self.alice.is_active = False
        self.alice.save()
        self.assertProblem(self.call("get", "/organisaties", secret), 401)
        self.alice.is_active = True
        self.alice.save()
        token.delete()
        self.assertProblem(self.call("get", "/organisaties", secret), 401)

    def test_use_sets_the_last_used_date(self) -> None:
        token, secret = ApiToken.issue(self.alice, "t", ApiToken.Scope.READ, None)
        self.assertIsNone(token.last_used_on)
        self.call("get", "/organisaties", secret)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_on)


class ErrorFormatTests(ApiTestCase):
    def test_unknown_address_and_wrong_method(self) -> None:
        secret = key(self.alice)
        self.assertProblem(self.call("get", "/bestaat-niet", secret), 404)
        response = self.call("delete", "/organisaties", secret)
        self.assertProblem(response, 405)
        self.assertIn("GET", response["Allow"])

    def test_validation_errors_are_422_problems(self) -> None:
        secret = key(self.alice, ApiToken.Scope.WRITE)
        body = self.assertProblem(self.call("get", "/organisaties/not-a-uuid", secret), 422)
        self.assertIn("org_uuid", body["detail"])
        url = f"/organisaties/{self.org_a.uuid}/acties"
        body = self.assertProblem(self.call("post", url, secret, body={"title": ""}), 422)
        self.assertEqual(body["errors"][0]["loc"][-1], "title")
        self.assertProblem(self.call("post", url, secret, body={"title": "x", "phase": "later"}), 422)
        # NUL bytes (which PostgreSQL cannot store) are refused in every text, nothing is saved.
        before = self.org_a.actions.count()
        for body in ({"title": "a\x00b"}, {"title": "x", "description": "\x00"}, {"title": "x", "owner_name": "\x00"}):
            self.assertProblem(self.call("post", url, secret, body=body), 422)
        self.assertEqual(self.org_a.actions.count(), before)
        response = self.client.post(
            f"/api/v1{url}", data="{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        self.assertIn(response.status_code, (400, 422))
        self.assertProblem(response, response.status_code)
        self.assertProblem(self.call("get", "/instrumenten/zeven-sleutels?versie=x", secret), 422)

    def test_a_server_error_is_a_500_problem_without_details(self) -> None:
        secret = key(self.alice)
        url = f"/organisaties/{self.org_a.uuid}/metingen/{self.round.uuid}/resultaten"
        with (
            mock.patch("cjgscan.api.endpoints.round_results", side_effect=RuntimeError("geheim")),
            self.assertLogs("cjgscan.api.api", "ERROR"),
        ):
            response = self.call("get", url, secret)
        body = self.assertProblem(response, 500)
        self.assertNotIn("geheim", json.dumps(body))


class TenantTests(ApiTestCase):
    def test_a_key_reaches_the_users_organisations(self) -> None:
        names = [o["name"] for o in self.call("get", "/organisaties", key(self.carol)).json()]
        self.assertEqual(names, ["CJG Aadorp", "CJG Beestad"])
        body = self.call("get", f"/organisaties/{self.org_a.uuid}", key(self.carol)).json()
        self.assertEqual(body["role"], "coordinator")

    def test_a_key_bound_to_one_organisation_reaches_only_that_one(self) -> None:
        secret = key(self.carol, organisation=self.org_b)
        names = [o["name"] for o in self.call("get", "/organisaties", secret).json()]
        self.assertEqual(names, ["CJG Beestad"])
        self.assertProblem(self.call("get", f"/organisaties/{self.org_a.uuid}", secret), 404)
        self.assertProblem(self.call("get", f"/organisaties/{self.org_a.uuid}/metingen", secret), 404)

    def test_outsiders_get_404_everywhere(self) -> None:
        secret = key(self.dave, ApiToken.Scope.WRITE)
        a, r, act = self.org_a.uuid, self.round.uuid, self.action.uuid
        for path in (
            f"/organisaties/{a}",
            f"/organisaties/{a}/metingen",
            f"/organisaties/{a}/metingen/{r}",
            f"/organisaties/{a}/metingen/{r}/resultaten",
            f"/organisaties/{a}/acties",
            f"/organisaties/{a}/acties/{act}",
        ):
            self.assertProblem(self.call("get", path, secret), 404)
        self.assertProblem(self.call("post", f"/organisaties/{a}/acties", secret, body={"title": "x"}), 404)
        self.assertProblem(self.call("patch", f"/organisaties/{a}/acties/{act}", secret, body={"phase": "do"}), 404)

    def test_another_organisations_round_or_action_is_404_through_ones_own(self) -> None:
        secret = key(self.carol, ApiToken.Scope.WRITE)  # member of A and B
        a = self.org_a.uuid
        self.assertProblem(self.call("get", f"/organisaties/{a}/metingen/{self.round_b.uuid}", secret), 404)
        self.assertProblem(self.call("get", f"/organisaties/{a}/acties/{self.action_b.uuid}", secret), 404)
        body = {"title": "x", "round": str(self.round_b.uuid)}
        self.assertProblem(self.call("post", f"/organisaties/{a}/acties", secret, body=body), 404)
        self.assertEqual(Action.objects.filter(title="x").count(), 0)

    def test_rounds_of_the_organisation(self) -> None:
        rounds = self.call("get", f"/organisaties/{self.org_a.uuid}/metingen", key(self.bob)).json()
        self.assertEqual([r["uuid"] for r in rounds], [str(self.round.uuid)])
        self.assertEqual(rounds[0]["instrument"], "zeven-sleutels")

    def test_list_endpoints_use_a_fixed_number_of_queries(self) -> None:
        secret = key(self.alice)
        for n in range(3):
            make_round(self.org_a, title=f"Meting {n}")
            Action.objects.create(organisation=self.org_a, title=f"Actie {n}")
        # key lookup, membership, list (+ the key's last-used date once a day)
        self.call("get", "/organisaties", secret)
        with self.assertNumQueries(2):
            self.call("get", "/organisaties", secret)
        with self.assertNumQueries(3):
            self.call("get", f"/organisaties/{self.org_a.uuid}/metingen", secret)
        with self.assertNumQueries(3):
            self.call("get", f"/organisaties/{self.org_a.uuid}/acties", secret)
        with self.assertNumQueries(4):
            self.call("get", "/instrumenten", secret)


class ResultsTests(ApiTestCase):
    def url(self, per: str = "") -> str:
        query = f"?per={per}" if per else ""
        return f"/organisaties/{self.org_a.uuid}/metingen/{self.round.uuid}/resultaten{query}"

    def test_small_groups_never_appear(self) -> None:
        response = self.call("get", self.url(), key(self.bob))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertTrue(body["visible"])
        columns = {c["key"]: c["respondents"] for c in body["columns"]}
        # The tiny group (1) is pooled with the smallest visible one (5) so that it cannot be subtracted.
        self.assertEqual(columns, {"all": 12, str(self.big.uuid): 6, "other": 6})
        raw = response.content.decode()
        self.assertNotIn(str(self.tiny.uuid), raw)
        self.assertNotIn(str(self.medium.uuid), raw)
        # Named only inside the label and the words that say it is shown together with another group.
        self.assertNotIn('"label":"Kleine groep"', raw.replace(" ", ""))
        self.assertTrue(any("Kleine groep" in line for line in body["explanations"]))
        self.assertEqual([c["together"] for c in body["columns"]], [False, False, True])
        item = next(i for i in body["items"] if i["code"] == "S1.K1")
        scores = {s["column"]: s for s in item["scores"]}
        self.assertEqual(scores[str(self.big.uuid)]["mean"], 4.0)
        self.assertEqual(scores["all"]["n"], 12)
        self.assertEqual(scores["other"]["distribution"], {"1": 5, "2": 1, "3": 0, "4": 0})
        key_s1 = next(k for k in body["keys"] if k["code"] == "S1")
        self.assertEqual(key_s1["title"]["nl"], "Inspirerende missie en visie")

    def test_a_fixed_number_of_queries_whatever_the_number_of_respondents(self) -> None:
        secret = key(self.bob)
        self.call("get", self.url(), secret)
        with self.assertNumQueries(15) as few:  # 10 + the release, its cells and professions
            self.call("get", self.url(), secret)
        for _n in range(10):
            make_response(self.round, self.tiny, {"S1.K1": "v3", "S2.K1": "v2"}, comments={"S2": "meer"})
        release(self.round)
        with self.assertNumQueries(len(few.captured_queries)):
            self.call("get", self.url(), secret)

    def test_per_profession(self) -> None:
        body = self.call("get", self.url("beroep"), key(self.bob)).json()
        self.assertEqual(body["per"], "beroep")
        self.assertEqual([c["key"] for c in body["columns"]], ["all", "S4.B1", "other"])
        self.assertProblem(self.call("get", self.url("iets"), key(self.bob)), 422)

    def test_nothing_before_enough_respondents(self) -> None:
        unrelease(self.round)
        Round.objects.filter(pk=self.round.pk).update(min_group_size=20)
        release(Round.objects.get(pk=self.round.pk))
        body = self.call("get", self.url(), key(self.bob)).json()
        self.assertEqual(
            (body["visible"], body["respondents"], body["columns"], body["keys"], body["items"], body["overall"]),
            (False, None, [], [], [], []),
        )


class ActionTests(ApiTestCase):
    def url(self, action: Action | None = None) -> str:
        base = f"/organisaties/{self.org_a.uuid}/acties"
        return f"{base}/{action.uuid}" if action else base

    def test_list_and_filter(self) -> None:
        Action.objects.create(organisation=self.org_a, title="Later", phase=Action.Phase.DO)
        secret = key(self.bob)
        self.assertEqual(len(self.call("get", self.url(), secret).json()), 2)
        self.assertEqual([a["title"] for a in self.call("get", self.url() + "?fase=do", secret).json()], ["Later"])
        found = self.call("get", self.url() + f"?meting={self.round.uuid}", secret).json()
        self.assertEqual([a["title"] for a in found], ["Visie opschrijven"])
        self.assertNotIn("Beestad", json.dumps(self.call("get", self.url(), secret).json()))

    def test_create_and_move_through_the_phases(self) -> None:
        secret = key(self.carol, ApiToken.Scope.WRITE)  # coordinator of A
        body = {
            "title": "Samenwerking met huisartsen",
            "theme_code": "S3",
            "item_code": "S3.K2",
            "round": str(self.round.uuid),
            "starts_on": "2026-01-05",
            "due_on": "2026-03-01",
        }
        response = self.call("post", self.url(), secret, body=body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response["API-Version"], API_VERSION)
        created = response.json()
        self.assertEqual((created["phase"], created["round"], created["source"]), ("plan", str(self.round.uuid), "api"))
        action = Action.objects.get(uuid=created["uuid"])
        self.assertEqual((action.organisation, action.due_on), (self.org_a, datetime.date(2026, 3, 1)))
        response = self.call("patch", self.url(action), secret, body={"phase": "do"})
        self.assertEqual(response.json()["phase"], "do")
        action.refresh_from_db()
        self.assertEqual((action.phase, action.title), ("do", "Samenwerking met huisartsen"))

    def test_bad_input_changes_nothing(self) -> None:
        secret = key(self.alice, ApiToken.Scope.WRITE)
        body = {"title": "Omgekeerd", "starts_on": "2026-03-01", "due_on": "2026-01-01"}
        self.assertProblem(self.call("post", self.url(), secret, body=body), 422)
        self.assertProblem(self.call("patch", self.url(self.action), secret, body={"phase": None}), 422)
        self.assertProblem(self.call("patch", self.url(self.action), secret, body={"title": "   "}), 422)
        self.assertFalse(Action.objects.filter(title="Omgekeerd").exists())
        self.action.refresh_from_db()
        self.assertEqual((self.action.phase, self.action.title), ("plan", "Visie opschrijven"))

    def test_codes_are_checked_against_the_instrument(self) -> None:
        secret = key(self.alice, ApiToken.Scope.WRITE)
        created = self.call("post", self.url(), secret, body={"title": "Alleen kenmerk", "item_code": "S2.K3"})
        self.assertEqual((created.json()["theme_code"], created.json()["item_code"]), ("S2", "S2.K3"))
        pillar = self.call("post", self.url(), secret, body={"title": "Pijler", "theme_code": "P3"})
        self.assertEqual(pillar.status_code, 201)
        for body in (
            {"title": "Fout", "theme_code": "S9"},
            {"title": "Fout", "item_code": "S1.K99"},
            {"title": "Fout", "theme_code": "S1", "item_code": "S2.K1"},
        ):
            self.assertProblem(self.call("post", self.url(), secret, body=body), 422)
        self.assertFalse(Action.objects.filter(title="Fout").exists())

    def test_a_read_key_may_not_write(self) -> None:
        secret = key(self.alice, ApiToken.Scope.READ)
        body = self.assertProblem(self.call("post", self.url(), secret, body={"title": "x"}), 403)
        self.assertIn("only read", body["detail"])
        self.assertProblem(self.call("patch", self.url(self.action), secret, body={"phase": "do"}), 403)
        self.assertEqual(self.call("get", self.url(self.action), secret).status_code, 200)

    def test_a_reader_may_not_write_even_with_a_write_key(self) -> None:
        secret = key(self.bob, ApiToken.Scope.WRITE)
        body = self.assertProblem(self.call("post", self.url(), secret, body={"title": "x"}), 403)
        self.assertIn("role", body["detail"])
        self.assertProblem(self.call("patch", self.url(self.action), secret, body={"phase": "act"}), 403)
        self.action.refresh_from_db()
        self.assertEqual(self.action.phase, "plan")


class InstrumentTests(ApiTestCase):
    def test_list_and_detail_match_the_cli_export(self) -> None:
        from cjgscan.instruments.export import version_as_dict

        secret = key(self.dave)
        listed = self.call("get", "/instrumenten", secret).json()
        self.assertEqual([i["slug"] for i in listed], ["vijf-pijlers", "zeven-sleutels"])
        self.assertEqual(listed[1]["versions"], [1])
        detail = self.call("get", "/instrumenten/zeven-sleutels", secret).json()
        self.assertEqual(detail, json.loads(json.dumps(version_as_dict(self.versions["zeven-sleutels"]), default=str)))
        self.assertProblem(self.call("get", "/instrumenten/zeven-sleutels?versie=9", secret), 404)
        self.assertProblem(self.call("get", "/instrumenten/bestaat-niet", secret), 404)

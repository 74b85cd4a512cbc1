"""The API's edges (issue 13, item 7): an over-size body is 413, a body that is not a JSON object is 422, a
database that is down is 503 with Retry-After, and no answer may be stored by a cache. All problem+json."""

import json
from unittest import mock

from django.db import OperationalError
from django.http import HttpResponse

from cjgscan.api.middleware import ApiMiddleware
from cjgscan.api.models import ApiToken
from cjgscan.api.problems import PROBLEM_CONTENT_TYPE
from cjgscan.development.models import Action
from tests.test_api import ApiTestCase, key


def no_store(response: HttpResponse) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


class BodyTests(ApiTestCase):
    def setUp(self) -> None:
        self.secret = key(self.alice, ApiToken.Scope.WRITE)
        self.create = f"/organisaties/{self.org_a.uuid}/acties"
        self.update = f"/organisaties/{self.org_a.uuid}/acties/{self.action.uuid}"

    def test_a_3_mb_body_is_413_not_500(self) -> None:
        # A valid action, padded with spaces to 3 MB: only the size is wrong.
        data = json.dumps({"title": "Groot"}) + " " * (3 * 1024 * 1024)
        before = Action.objects.count()
        for method, path in (("post", self.create), ("patch", self.update)):
            with self.subTest(method):
                response = getattr(self.client, method)(
                    f"/api/v1{path}",
                    data=data,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {self.secret}",
                )
                body = self.assertProblem(response, 413)
                self.assertIn("2.5 MB", body["detail"])
        self.assertEqual(Action.objects.count(), before)
        self.action.refresh_from_db()
        self.assertEqual(self.action.title, "Visie opschrijven")

    def test_a_body_that_is_not_a_json_object_is_422(self) -> None:
        before = Action.objects.count()
        for body in ("AAA", "plan", ["AAA"], [{"title": "In een lijst"}], 1, 2.5, True, None):
            for method, path in (("post", self.create), ("patch", self.update)):
                with self.subTest(body=body, method=method):
                    response = getattr(self.client, method)(
                        f"/api/v1{path}",
                        data=json.dumps(body),
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {self.secret}",
                    )
                    problem = self.assertProblem(response, 422)
                    self.assertIn("JSON object", problem["detail"] if body is not None else json.dumps(problem))
        self.assertEqual(Action.objects.count(), before)
        self.assertFalse(Action.objects.filter(title__iexact="aaa").exists())
        self.action.refresh_from_db()
        self.assertEqual((self.action.title, self.action.phase), ("Visie opschrijven", "plan"))

    def test_an_object_still_works(self) -> None:
        response = self.call("post", self.create, self.secret, body={"title": "Gewoon"})
        self.assertEqual(response.status_code, 201, response.content)
        response = self.call("patch", self.update, self.secret, body={"phase": "do"})
        self.assertEqual(response.status_code, 200, response.content)


class UnavailableTests(ApiTestCase):
    def test_a_database_that_is_down_is_503_with_retry_after(self) -> None:
        secret = key(self.alice)
        url = f"/organisaties/{self.org_a.uuid}/metingen/{self.round.uuid}/resultaten"
        down = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
        with (
            mock.patch("cjgscan.api.endpoints.round_results", side_effect=down),
            self.assertLogs("cjgscan.api.api", "WARNING"),
        ):
            response = self.call("get", url, secret)
        body = self.assertProblem(response, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertNotIn("5432", json.dumps(body))  # no details of the server
        self.assertTrue(no_store(response))

    def test_the_503_page_made_outside_the_api_keeps_retry_after_as_problem_json(self) -> None:
        """A database that fails before the API's own handlers (in a middleware) reaches handler500, whose HTML
        503 page the API middleware turns into problem+json; Retry-After must survive that."""

        def page(_request: object) -> HttpResponse:
            response = HttpResponse("<h1>Tijdelijk niet beschikbaar</h1>", status=503)
            response.headers["Retry-After"] = "30"
            return response

        request = mock.Mock(path="/api/v1/organisaties")
        response = ApiMiddleware(page)(request)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Content-Type"], PROBLEM_CONTENT_TYPE)
        self.assertEqual(response["Retry-After"], "30")
        self.assertEqual(json.loads(response.content)["status"], 503)


class CacheTests(ApiTestCase):
    def test_every_api_answer_is_no_store(self) -> None:
        secret = key(self.alice)
        for path, status in (
            ("/organisaties", 200),
            (f"/organisaties/{self.org_a.uuid}/metingen/{self.round.uuid}/resultaten", 200),
            (f"/organisaties/{self.org_a.uuid}/acties", 200),
            ("/instrumenten", 200),
            (f"/organisaties/{self.org_b.uuid}/acties", 404),
        ):
            with self.subTest(path):
                response = self.call("get", path, secret)
                self.assertEqual(response.status_code, status)
                self.assertTrue(no_store(response), response.get("Cache-Control"))
        self.assertTrue(no_store(self.call("get", "/organisaties")))  # a 401 too
        self.assertTrue(no_store(self.client.get("/api/v1/openapi.json")))

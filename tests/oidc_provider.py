"""A small, real OpenID Provider on the loopback for the sign-in tests: discovery, JWKS, authorize, token and userinfo
over HTTP (http.server in a thread), ID tokens signed RS256 with a key generated per run (PyJWT + cryptography).

It signs in whoever the test says (`provider.identity`) without asking, as a provider does for someone who is
already signed in there, and checks the client's side of the protocol as a provider must: the client secret, the
redirect URI, single-use codes and PKCE (S256). `provider.tamper` makes it misbehave in one way, for the refusals.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.served import free_port

CLIENT_ID = "cjgscan-test-client"
CLIENT_SECRET = "test-client-secret-0123456789"
# Each makes the provider misbehave in one way.
TAMPERINGS = {
    "signature": "the ID token is signed with a key that is not in the JWKS (same kid)",
    "audience": "the ID token is for another client",
    "issuer": "the ID token names another issuer",
    "nonce": "the ID token carries another nonce",
    "expired": "the ID token expired a minute ago",
    "no_expiry": "the ID token has no exp",
    "audiences_without_azp": "the ID token is for us and another client, and names no authorized party (azp)",
    "audiences_with_azp": "the ID token is for us and another client, with us as the authorized party: fine",
    "userinfo_sub": "userinfo answers about another subject",
    "denied": "the provider answers the authorization request with error=access_denied",
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.impostor_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.identity: dict[str, Any] = {}
        self.tamper: set[str] = set()
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.seen: list[dict[str, Any]] = []  # the authorization requests, to check what the client sent
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), self.handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Provider":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def sign_in_as(self, address: str, **claims: Any) -> None:
        """Who the provider signs in next: verified e-mail by default, other claims as given (None drops one)."""
        self.identity = {"sub": f"sub-{address.lower()}", "email": address, "email_verified": True, **claims}
        self.identity = {name: value for name, value in self.identity.items() if value is not None}
        self.tamper = set()

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """What cjgscan's settings would be with this provider configured (the env variables' values)."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            **overrides,
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                    "e": b64url(numbers.e.to_bytes(3, "big")),
                }
            ]
        }

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """The redirect back to the client: with a code, or with an error."""
        self.seen.append(query)
        redirect_uri = query["redirect_uri"]
        if "denied" in self.tamper:
            return f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': query.get('state', '')})}"
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            raise ValueError("unknown client or response type")
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**query, "identity": dict(self.identity), "tamper": set(self.tamper)}
        return f"{redirect_uri}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        if grant.get("code_challenge_method") == "S256":
            verifier = form.get("code_verifier", "")
            if b64url(hashlib.sha256(verifier.encode()).digest()) != grant["code_challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        identity, tamper = grant["identity"], grant["tamper"]
        now = int(time.time())
        claims = {
            "iss": "http://evil.example" if "issuer" in tamper else self.issuer,
            "aud": "another-client" if "audience" in tamper else CLIENT_ID,
            "iat": now,
            "exp": now - 60 if "expired" in tamper else now + 300,
            "nonce": "another-nonce" if "nonce" in tamper else grant.get("nonce"),
            **identity,
        }
        if "no_expiry" in tamper:
            del claims["exp"]
        if tamper & {"audiences_without_azp", "audiences_with_azp"}:
            claims["aud"] = [CLIENT_ID, "another-client"]
        if "audiences_with_azp" in tamper:
            claims["azp"] = CLIENT_ID
        key = self.impostor_key if "signature" in tamper else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(24)
        userinfo = {k: v for k, v in identity.items() if k not in ("amr", "acr")}
        if "userinfo_sub" in tamper:
            userinfo["sub"] = "someone-else"
        self.tokens[access_token] = userinfo
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self.answer(200, provider.discovery())
                elif url.path == "/jwks":
                    self.answer(200, provider.jwks())
                elif url.path == "/authorize":
                    try:
                        location = provider.authorize(query)
                    except (KeyError, ValueError) as error:
                        self.answer(400, {"error": "invalid_request", "error_description": str(error)})
                        return
                    self.send_response(302)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token in provider.tokens:
                        self.answer(200, provider.tokens[token])
                    else:
                        self.answer(401, {"error": "invalid_token"})
                else:
                    self.answer(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    self.answer(*provider.token(form))
                else:
                    self.answer(404, {"error": "not found"})

        return Handler

"""`cjgscan oidc-discover ISSUER`: the OIDC_OP_* settings of a provider, read from its discovery document.

Done once when setting up, not at every start: the settings stay plain environment variables, and a provider that is
briefly unreachable cannot stop the app from starting.
"""

from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

SETTINGS = {
    "OIDC_OP_ISSUER": "issuer",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
}


class Command(BaseCommand):
    help = "Print the OIDC_OP_* settings for a municipality's sign-in, read from its OpenID provider's discovery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "issuer", help="the issuer, e.g. https://login.microsoftonline.com/<tenant id>/v2.0 (Entra ID)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        issuer = options["issuer"].rstrip("/")
        url = f"{issuer}/.well-known/openid-configuration"
        try:
            reply = requests.get(url, timeout=10)
            reply.raise_for_status()
            document = reply.json()
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"Could not read {url}: {error}") from None
        if document.get("issuer") != issuer:
            # OpenID Connect Discovery 4.3: the document must name the issuer it was fetched for.
            raise CommandError(f"{url} names the issuer {document.get('issuer')!r}, not {issuer!r}.")
        missing = [key for name, key in SETTINGS.items() if name != "OIDC_OP_USER_ENDPOINT" and not document.get(key)]
        if missing:
            raise CommandError(f"{url} does not give {', '.join(missing)}.")
        for name, key in SETTINGS.items():
            if document.get(key):
                self.stdout.write(f"{name}={document[key]}")
        if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
            self.stderr.write("Warning: the provider does not say it supports PKCE (S256); cjgscan sends it anyway.")

"""Random tokens for links, and the keyed hashes under which they are stored.

A token is never stored. An Invitation keeps one keyed hash of it and the Response another, each under its own
key, so that the database alone cannot tie an answer to an invited address (see DESIGN.md, anonymity).
"""

import base64
import binascii
import secrets
import uuid

from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_BYTES = 24  # 192 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def keyed_hash(purpose: str, token: str) -> str:
    """A hash of the token under a key of its own for each purpose ("invitation", "response", ...)."""
    return salted_hmac(f"cjgscan.tokens.{purpose}", token, algorithm="sha256").hexdigest()


def derived_token(purpose: str, identifier: uuid.UUID) -> str:
    """A 192-bit token that only this installation (with its secret key) can compute for the object."""
    digest = salted_hmac(f"cjgscan.tokens.{purpose}", str(identifier), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode()


def _mac(purpose: str, identifier: uuid.UUID, version: int) -> bytes:
    return salted_hmac(f"cjgscan.tokens.{purpose}", f"{identifier}:{version}", algorithm="sha256").digest()[:16]


def signed_id_token(purpose: str, identifier: uuid.UUID, version: int) -> str:
    """A token naming an object, with a 128-bit MAC proving it was made here; a new `version` revokes it."""
    raw = identifier.bytes + _mac(purpose, identifier, version)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_signed_id_token(purpose: str, token: str) -> uuid.UUID | None:
    """The object's id if the token has the right shape; check it with `check_signed_id_token`."""
    if len(token) != 43:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=")
    except (binascii.Error, ValueError):
        return None
    return uuid.UUID(bytes=raw[:16]) if len(raw) == 32 else None


def check_signed_id_token(purpose: str, token: str, identifier: uuid.UUID, version: int) -> bool:
    return constant_time_compare(token, signed_id_token(purpose, identifier, version))

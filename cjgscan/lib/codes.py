"""Short codes people can read aloud and type: group links (/g/K7M4-Q2XP-ABCD) and resume codes.

The alphabet leaves out what is easily confused when read from paper or a screen (0 and O, 1, I and L, U and V:
U goes), so 30 symbols remain: a 12-symbol code carries 12 × log2(30) ≈ 58.9 bits. A code is derived under the
secret key from what it stands for, so it can be shown again at any time without being stored; only a keyed hash
of it is stored, for looking it up.
"""

import math

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols: no 0, 1, I, L, O, U
CODE_LENGTH = 12
GROUP_SIZE = 4
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))


def derived_code(purpose: str, value: str) -> str:
    """A code of CODE_LENGTH symbols that only this installation (with its secret key) can compute for `value`."""
    number = int.from_bytes(salted_hmac(f"cjgscan.codes.{purpose}", value, algorithm="sha256").digest(), "big")
    symbols = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        symbols.append(ALPHABET[index])
    return "".join(symbols)


def formatted(code: str) -> str:
    """K7M4Q2XPABCD → K7M4-Q2XP-ABCD, for reading and typing."""
    return "-".join(code[i : i + GROUP_SIZE] for i in range(0, len(code), GROUP_SIZE))


def normalized(typed: str) -> str | None:
    """The code as typed, in any case, with or without dashes and spaces; None if it cannot be a code."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(symbol not in ALPHABET for symbol in code):
        return None
    return code

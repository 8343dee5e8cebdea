"""Verification codes: random enough that nobody guesses one, easy to read aloud and type.

Eighteen characters from an alphabet of 31 without 0, O, 1, I and L, which people
confuse, in three groups of six: "K7M2QX-9HTRWP-4BNZ8C", 18 × log2(31) ≈ 89 bits.
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = 3
GROUP_LENGTH = 6


def new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join(groups)


def normalise(typed: str) -> str | None:
    """The canonical code for what someone typed (any case, spaces or dashes anywhere), or None."""
    characters = "".join(ch for ch in typed.upper() if ch not in " -\t")
    if len(characters) != GROUPS * GROUP_LENGTH or any(ch not in ALPHABET for ch in characters):
        return None
    return "-".join(characters[i:i + GROUP_LENGTH] for i in range(0, len(characters), GROUP_LENGTH))

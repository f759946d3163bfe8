"""New-password rules (NIST SP 800-63B): 8-128 characters, not a common one.

No composition rules: a long passphrase beats ``P@ssw0rd!``. The deny list is a
small text file shipped with the package (the most frequent breached
passwords long enough to pass the length check).
"""

from __future__ import annotations

import functools
from importlib import resources

MIN_LENGTH = 8
MAX_LENGTH = 128


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def check_new_password(password: str) -> str:
    """The password unchanged, or ValueError naming the rule it breaks (never the password)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValueError(f"the password must be {MIN_LENGTH}-{MAX_LENGTH} characters long")
    if password.strip().lower() in common_passwords():
        raise ValueError("this password is too common; choose a less guessable one")
    return password

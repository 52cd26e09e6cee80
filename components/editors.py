"""Who may change the data: editors' salted password hashes and the OpenID Connect editors list.

Both live in `.streamlit/secrets.toml` (never committed), in a section of their own:

    [editors]
    # Signed in with st.login (OpenID Connect) when [auth] is configured: e-mail addresses.
    oidc = ["analyst@example.org"]

    [editors.passwords]
    # Written by `partnership add-editor NAME`; never the password itself.
    "alice" = "scrypt$16384$8$1$<salt>$<hash>"

Passwords are hashed with scrypt (memory-hard, in the standard library) and a random salt per
editor, and compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path

from components import settings

SECRETS_VARIABLE = settings.SECRETS_FILE.name
SECTION = "editors"
PASSWORDS = "passwords"
OIDC = "oidc"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD_LENGTH = 10
# scrypt cost: ~50 ms and 16 MB per check on a small server; slows guessing, not editors.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class EditorError(ValueError):
    """A name or password that cannot be used, worded for the person at the command line."""


def default_secrets_path() -> Path:
    """`PARTNERSHIP_SECRETS_FILE` when set, else the app's `.streamlit/secrets.toml`."""
    configured = settings.value(settings.SECRETS_FILE)
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    derived = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(derived)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        derived = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(base64.b64decode(expected)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, base64.b64decode(expected))


def _section(secrets_data: Mapping) -> Mapping:
    section = secrets_data.get(SECTION, {}) if secrets_data else {}
    return section if isinstance(section, Mapping) else {}


def password_hashes(secrets_data: Mapping) -> dict[str, str]:
    passwords = _section(secrets_data).get(PASSWORDS, {})
    return {str(k): str(v) for k, v in passwords.items()} if isinstance(passwords, Mapping) else {}


def oidc_editors(secrets_data: Mapping) -> set[str]:
    """E-mail addresses (lower case) of editors who sign in with OpenID Connect."""
    listed = _section(secrets_data).get(OIDC, [])
    return {str(address).strip().lower() for address in listed} if listed else set()


def check_password(secrets_data: Mapping, name: str, password: str) -> bool:
    stored = password_hashes(secrets_data).get(name.strip())
    if stored is None:
        # Spend the same time as a real check, so a name's existence does not show in timing.
        verify_password(password, hash_password("not an editor", b"0" * 16))
        return False
    return verify_password(password, stored)


def is_oidc_editor(secrets_data: Mapping, email: str | None) -> bool:
    return bool(email) and email.strip().lower() in oidc_editors(secrets_data)


def read_secrets(path: Path | None = None) -> dict:
    path = path or default_secrets_path()
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_editor(name: str, password: str, path: Path | None = None) -> Path:
    """Write (or replace) an editor's password hash in the secrets file, keeping everything else.

    The file is edited as text, line by line, so its comments and other sections stay as they
    are; the result is parsed again before it is saved.
    """
    if not NAME_PATTERN.match(name):
        raise EditorError(
            "The name may use letters, digits and . _ @ - (up to 64 characters), "
            "and must start with a letter or digit."
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise EditorError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    path = path or default_secrets_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    header = f"[{SECTION}.{PASSWORDS}]"
    entry = f"{_toml_string(name)} = {_toml_string(hash_password(password))}"
    key_line = re.compile(r"^\s*(\"(?:[^\"\\]|\\.)*\"|[A-Za-z0-9_-]+)\s*=")
    if header in (line.strip() for line in lines):
        start = next(i for i, line in enumerate(lines) if line.strip() == header)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        replaced = False
        for i in range(start + 1, end):
            match = key_line.match(lines[i])
            if match and tomllib.loads(f"{match.group(1)} = 0").popitem()[0] == name:
                lines[i] = entry
                replaced = True
        if not replaced:
            insert_at = end
            while insert_at > start + 1 and not lines[insert_at - 1].strip():
                insert_at -= 1
            lines.insert(insert_at, entry)
    else:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [
            "# Editors who sign in with a password (written by `partnership add-editor`).",
            header,
            entry,
        ]
    new_text = "\n".join(lines) + "\n"
    parsed = tomllib.loads(new_text)  # refuse to save a file Streamlit could not read
    assert name in password_hashes(parsed)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.new")
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(new_text)
        handle.flush()
        os.fsync(handle.fileno())
    staged.replace(path)
    return path

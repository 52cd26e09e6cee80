"""Who may change the data: editors' salted password hashes and the OpenID Connect editors list.

Both live in the secrets file named by `PARTNERSHIP_SECRETS_FILE` (by default the app's
`.streamlit/secrets.toml`, never committed), in a section of their own; `read_secrets` is the
one reader, used by the app's sign-in and by `partnership add-editor` alike:

    [editors]
    # Signed in with st.login (OpenID Connect) when [auth] is configured: e-mail addresses.
    oidc = ["analyst@example.org"]

    [editors.passwords]
    # Written by `partnership add-editor NAME`; never the password itself.
    "alice" = "scrypt$131072$8$1$<salt>$<hash>"

Passwords are hashed with scrypt (memory-hard, in the standard library) at the cost OWASP
recommends, with a random salt per editor, and compared in constant time. Each stored hash
records its own cost, so a hash made at an older cost still verifies and is re-hashed at the
current one when its editor next signs in.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import fcntl
import functools
import hashlib
import hmac
import os
import re
import secrets
import threading
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

from components import limits, settings

SECRETS_VARIABLE = settings.SECRETS_FILE.name
SECTION = "editors"
PASSWORDS = "passwords"
OIDC = "oidc"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD_LENGTH = 10
# OWASP's Password Storage Cheat Sheet: scrypt with N = 2^17, r = 8, p = 1. About 0.4 s and
# 128 MB per check on this project's 2-core server: slows guessing, not an editor's sign-in.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
DKLEN = 32
# A stored hash may ask for at most four times today's memory: a mistyped cost in the secrets
# file must not make one check take gigabytes.
_MAX_SCRYPT_MEMORY = 4 * 128 * SCRYPT_N * SCRYPT_R * SCRYPT_P
# Password checks running at once in this process (each holds its scrypt memory).
_HASH_SLOTS = threading.BoundedSemaphore(limits.SIGN_IN_CONCURRENT_HASHES)


class EditorError(ValueError):
    """A name, password or secrets file that cannot be used, worded for the person fixing it."""


def default_secrets_path() -> Path:
    """`PARTNERSHIP_SECRETS_FILE` when set, else the app's `.streamlit/secrets.toml`."""
    configured = settings.value(settings.SECRETS_FILE)
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    """The one place a password is hashed: bounded in memory and in how many run at once."""
    memory = 128 * n * r * p
    if memory > _MAX_SCRYPT_MEMORY or dklen > 64:
        raise ValueError("scrypt cost above what this server accepts")
    with _HASH_SLOTS:
        return hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=n,
            r=r,
            p=p,
            dklen=dklen,
            maxmem=memory + 16 * 1024 * 1024,  # the default (32 MB) is below 128 MB
        )


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The stored form: scheme, cost, salt and hash, so the cost can change later."""
    salt = salt or secrets.token_bytes(16)
    derived = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, DKLEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(derived)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return None
        return int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(expected)
    except (ValueError, TypeError):
        return None


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from, at the cost `stored` records."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, expected = parsed
    try:
        derived = _scrypt(password, salt, n, r, p, len(expected))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(derived, expected)


def needs_rehash(stored: str) -> bool:
    """A hash made at another cost than today's (an older, cheaper one)."""
    parsed = _parse(stored)
    return parsed is None or parsed[:3] != (SCRYPT_N, SCRYPT_R, SCRYPT_P) or len(parsed[4]) != DKLEN


@functools.cache
def _unknown_name_hash() -> str:
    """A hash at today's cost, made once per process, that an unknown name is checked against:
    a known and an unknown name then cost exactly one hash each, at the same parameters."""
    return hash_password(secrets.token_urlsafe(16))


def _section(secrets_data: Mapping) -> Mapping:
    section = secrets_data.get(SECTION, {}) if secrets_data else {}
    return section if isinstance(section, Mapping) else {}


def password_hashes(secrets_data: Mapping) -> dict[str, str]:
    passwords = _section(secrets_data).get(PASSWORDS, {})
    return {str(k): str(v) for k, v in passwords.items()} if isinstance(passwords, Mapping) else {}


def oidc_editors(secrets_data: Mapping) -> set[str]:
    """E-mail addresses (lower case) of editors who sign in with OpenID Connect."""
    listed = _section(secrets_data).get(OIDC, [])
    if not isinstance(listed, list | tuple):
        return set()
    return {str(address).strip().lower() for address in listed}


def check_password(secrets_data: Mapping, name: str, password: str) -> bool:
    stored = password_hashes(secrets_data).get(name.strip())
    if stored is None:
        # The same one hash as a real check, so a name's existence does not show in timing.
        verify_password(password, _unknown_name_hash())
        return False
    return verify_password(password, stored)


def is_oidc_editor(secrets_data: Mapping, email: str | None) -> bool:
    return bool(email) and email.strip().lower() in oidc_editors(secrets_data)


# Path -> (the file's signature when read, what it held). A plain dict, not a Streamlit cache,
# so no client can make the server re-read it; the signature makes every change seen.
_read_cache: dict[str, tuple[tuple[int, int, int], dict]] = {}


def read_secrets(path: Path | None = None) -> dict:
    """The secrets file as data ({} when there is none); cheap to call on every rerun."""
    path = path or default_secrets_path()
    try:
        status = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise EditorError(f"{path.name} cannot be read: {error.strerror}.") from error
    signature = (status.st_mtime_ns, status.st_size, status.st_ino)
    cached = _read_cache.get(str(path))
    if cached is None or cached[0] != signature:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as error:
            raise EditorError(f"{path.name} cannot be read as UTF-8 text: {error}.") from error
        except tomllib.TOMLDecodeError as error:
            raise EditorError(
                f"{path.name} is not valid TOML: {error}. Correct that line (or restore the "
                "file) and try again."
            ) from error
        cached = _read_cache[str(path)] = (signature, data)
    return copy.deepcopy(cached[1])  # callers may change theirs; the cached one stays as read


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """One writer of the secrets file at a time (`add-editor` and a sign-in's re-hash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(f".{path.name}.lock").open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def add_editor(name: str, password: str, path: Path | None = None) -> Path:
    """Write (or replace) an editor's password hash in the secrets file, keeping everything else."""
    if not NAME_PATTERN.match(name):
        raise EditorError(
            "The name may use letters, digits and . _ @ - (up to 64 characters), "
            "and must start with a letter or digit."
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise EditorError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    path = path or default_secrets_path()
    stored = hash_password(password)
    with _file_lock(path):
        _write_hash(name, stored, path)
    return path


def rehash_if_needed(name: str, password: str, stored: str, path: Path | None = None) -> bool:
    """After a right password, store its hash at today's cost if `stored` used another one.

    Written only if the file still holds `stored` for that name (an administrator may have
    changed it meanwhile). True when the file was rewritten.
    """
    if not needs_rehash(stored):
        return False
    path = path or default_secrets_path()
    fresh = hash_password(password)
    with _file_lock(path):
        if password_hashes(read_secrets(path)).get(name) != stored:
            return False
        _write_hash(name, fresh, path)
    return True


def _write_hash(name: str, stored: str, path: Path) -> None:
    """Put `name = stored` in the passwords section and save the file atomically.

    The file is edited as text, line by line, so its comments and other sections stay as they
    are; the result is parsed again before it is saved.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    header = f"[{SECTION}.{PASSWORDS}]"
    entry = f"{_toml_string(name)} = {_toml_string(stored)}"
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
    try:
        parsed = tomllib.loads(new_text)  # refuse to save a file Streamlit could not read
    except tomllib.TOMLDecodeError as error:
        raise EditorError(
            f"{path.name} could not be updated: the result would not be valid TOML ({error}). "
            f"Put the editors' hashes in one [{SECTION}.{PASSWORDS}] section and try again."
        ) from error
    if password_hashes(parsed).get(name) != stored:
        raise EditorError(
            f"{path.name} could not be updated: {name} is defined outside the "
            f"[{SECTION}.{PASSWORDS}] section. Move it there and try again."
        )
    staged = path.with_name(f".{path.name}.new")
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(new_text)
        handle.flush()
        os.fsync(handle.fileno())
    staged.replace(path)

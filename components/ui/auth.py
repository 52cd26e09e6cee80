"""Signing editors in and out: OpenID Connect (`st.login`) when configured, else a password.

Who counts as an editor is decided by `components.editors` from the secrets file named by
`PARTNERSHIP_SECRETS_FILE` (the file `partnership add-editor` writes); only OpenID Connect's own
`[auth]` section is read from Streamlit's secrets, for `st.login`. Wrong passwords are counted
on the server by `components.sign_in_guard`, per name and per client, so a reload or a script
gets no more tries than a browser. This module draws the controls and remembers the signed-in
editor in the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from components import editors, sign_in_guard
from components.loader import default_data_dir
from components.markdown_text import escape_markdown, paragraphs
from components.store import store_url

# Session state and widget keys.
EDITOR_KEY = "data_editor_signed_in"
NAME_KEY = "data_sign_in_name"
PASSWORD_KEY = "data_sign_in_password"
SIGN_IN_FORM = "data_sign_in_form"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Editor:
    name: str  # what the history records: the sign-in name or the e-mail address
    method: str  # "password" or "oidc"


def _streamlit_secrets() -> Mapping:
    """Streamlit's own secrets (for `[auth]`), or nothing when it has no secrets file."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # Streamlit raises its own error type when no secrets file exists
        return {}


def _editors_file() -> tuple[Mapping, bool]:
    """The editors' secrets file as data, and whether it could be read (a broken file counts
    as no editor at all, never as a way in)."""
    try:
        return editors.read_secrets(), True
    except editors.EditorError as error:
        _log.error("editors' secrets file unreadable: %s", error)
        return {}, False


def oidc_configured() -> bool:
    return "auth" in _streamlit_secrets()


def _client_address() -> str | None:
    """The address Streamlit saw the connection come from (None on a local connection; behind
    a proxy, what the proxy passes on, else the proxy's own)."""
    try:
        address = st.context.ip_address
    except Exception:  # no client context, as in a bare script run
        return None
    return address if isinstance(address, str) else None  # AppTest gives a stand-in object


def current_editor() -> Editor | None:
    """The signed-in editor, checked against the secrets on every run (so removal takes effect)."""
    secrets, _ = _editors_file()
    if oidc_configured():
        user = st.user
        if getattr(user, "is_logged_in", False):
            email = user.get("email")
            if editors.is_oidc_editor(secrets, email):
                return Editor(str(email), "oidc")
        return None
    name = st.session_state.get(EDITOR_KEY)
    if name and name in editors.password_hashes(secrets):
        return Editor(name, "password")
    return None


def _password_form(t: Callable[..., str]) -> None:
    with st.form(SIGN_IN_FORM):
        name = st.text_input(t("data.sign_in_name"), key=NAME_KEY)
        password = st.text_input(t("data.sign_in_password"), type="password", key=PASSWORD_KEY)
        submitted = st.form_submit_button(t("data.sign_in_button"))
    if not submitted:
        return
    name = (name or "").strip()
    client = _client_address()
    guard = sign_in_guard.configured_guard(default_data_dir(), store_url())
    verdict = guard.check_allowed(name, client)
    wrong = False
    if verdict.allowed:
        # Checked only while allowed: during a pause even the right password does not sign in.
        secrets, _ = _editors_file()
        if editors.check_password(secrets, name, password or ""):
            guard.record_success(name, client)
            _store_at_current_cost(name, password, editors.password_hashes(secrets)[name])
            st.session_state[EDITOR_KEY] = name
            st.rerun()
        wrong = True
        verdict = guard.record_failure(name, client)
    sign_in_guard.wait_after_failure()
    if verdict.unavailable:
        st.error(paragraphs(t("data.sign_in_unavailable")))
        return
    if wrong:
        st.error(paragraphs(t("data.sign_in_failed")))
    if not verdict.allowed:
        st.error(paragraphs(t("data.sign_in_paused", count=verdict.wait_minutes)))


def _store_at_current_cost(name: str, password: str, stored: str) -> None:
    """Re-hash a password stored at an older cost; a failure to write leaves the old hash."""
    try:
        editors.rehash_if_needed(name, password, stored)
    except (editors.EditorError, OSError) as error:
        _log.error("could not re-hash %s's password at the current cost: %s", name, error)


def sign_in(t: Callable[..., str]) -> None:
    """The prompt a viewer sees instead of the editing controls."""
    st.info(paragraphs(t("data.viewer_notice")))
    if oidc_configured():
        user = st.user
        if getattr(user, "is_logged_in", False):
            st.warning(
                paragraphs(t("data.not_an_editor", email=escape_markdown(user.get("email") or "?")))
            )
            if st.button(t("data.sign_out")):
                st.logout()
            return
        if st.button(t("data.sign_in_oidc"), type="primary"):
            st.login()
        return
    secrets, readable = _editors_file()
    if not readable:
        st.error(paragraphs(t("data.editors_unreadable")))
        return
    if not editors.password_hashes(secrets):
        st.caption(paragraphs(t("data.no_editors_configured")))
        return
    _password_form(t)


def signed_in_bar(editor: Editor, t: Callable[..., str]) -> None:
    left, right = st.columns([4, 1])
    left.success(paragraphs(t("data.signed_in_as", name=escape_markdown(editor.name))))
    if right.button(t("data.sign_out")):
        if editor.method == "oidc":
            st.logout()
        st.session_state.pop(EDITOR_KEY, None)
        st.rerun()

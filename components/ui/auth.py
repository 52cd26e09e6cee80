"""Signing editors in and out: OpenID Connect (`st.login`) when configured, else a password.

Who counts as an editor is decided by `components.editors` from the secrets file; this module
only draws the sign-in controls and remembers the signed-in editor in the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from components import editors
from components.markdown_text import escape_markdown, paragraphs

# Session state and widget keys.
EDITOR_KEY = "data_editor_signed_in"
FAILURES_KEY = "data_sign_in_failures"
NAME_KEY = "data_sign_in_name"
PASSWORD_KEY = "data_sign_in_password"
SIGN_IN_FORM = "data_sign_in_form"
# After this many wrong passwords a session waits before it may try again.
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


@dataclass(frozen=True)
class Editor:
    name: str  # what the history records: the sign-in name or the e-mail address
    method: str  # "password" or "oidc"


def _secrets() -> Mapping:
    """The app's secrets, or nothing when there is no secrets file (a viewer-only deployment)."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # Streamlit raises its own error type when no secrets file exists
        return {}


def oidc_configured() -> bool:
    return "auth" in _secrets()


def current_editor() -> Editor | None:
    """The signed-in editor, checked against the secrets on every run (so removal takes effect)."""
    secrets = _secrets()
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
    failures, since = st.session_state.get(FAILURES_KEY, (0, 0.0))
    waiting = failures >= MAX_FAILURES and time.monotonic() - since < LOCKOUT_SECONDS
    with st.form(SIGN_IN_FORM):
        name = st.text_input(t("data.sign_in_name"), key=NAME_KEY)
        password = st.text_input(t("data.sign_in_password"), type="password", key=PASSWORD_KEY)
        submitted = st.form_submit_button(t("data.sign_in_button"))
    if not submitted:
        return
    if waiting:
        st.error(paragraphs(t("data.sign_in_wait", seconds=LOCKOUT_SECONDS)))
        return
    if editors.check_password(_secrets(), name, password):
        st.session_state[EDITOR_KEY] = name.strip()
        st.session_state.pop(FAILURES_KEY, None)
        st.rerun()
    st.session_state[FAILURES_KEY] = (failures + 1, time.monotonic())
    st.error(paragraphs(t("data.sign_in_failed")))


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
    if not editors.password_hashes(_secrets()):
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

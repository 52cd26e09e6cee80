"""AppTest of the Data page: sign in, upload, report, preview, apply, new data seen, roll back;
and a viewer who sees no edit controls and whose actions are refused."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from components.editors import hash_password
from components.i18n import translate
from components.markdown_text import WORD_JOINER
from components.problems import Message
from components.publishing import history
from tests.conftest import DataDir, open_app

PASSWORD = "correct horse battery"
NEW_TITLE = "Memorandum of Understanding, as corrected by the data team"


def _data_page(
    monkeypatch: pytest.MonkeyPatch, data_dir: DataDir, editors: bool, **query: str
) -> AppTest:
    monkeypatch.setenv("PARTNERSHIP_HISTORY_DIR", str(data_dir.path.parent / "history"))
    secrets = {"editors": {"passwords": {"alice": hash_password(PASSWORD)}}} if editors else {}
    app = open_app(monkeypatch, data_dir.path, "pages/data.py", secrets, **query)
    assert not app.exception
    return app


def _button(app: AppTest, key: str, language: str = "en"):
    (button,) = [b for b in app.button if b.label == translate(key, language)]
    return button


def _sign_in(app: AppTest, password: str = PASSWORD, language: str = "en") -> None:
    app.text_input[0].input("alice")
    app.text_input[1].input(password)
    _button(app, "data.sign_in_button", language).click()
    app.run()
    assert not app.exception


def _frames(app: AppTest, column: str) -> list:
    """The tables on the page that have `column` (report tables have the heading of
    'problem')."""
    tables = [element.value for element in [*app.table, *app.dataframe]]
    return [frame for frame in tables if column in frame.columns]


PROBLEM, LINE, COLUMN = (
    translate(f"columns.report_{name}") for name in ("problem", "line", "column")
)


def roll_back(app: AppTest, number: int) -> None:
    """Choose version `number` in the history, confirm, and roll back to it."""
    app.selectbox(key="data_history_version").set_value(number)
    app.run()
    app.checkbox(key="data_confirm_rollback").check()
    app.run()
    app.button(key="data_rollback").click()
    app.run()
    assert not app.exception


def _texts(elements) -> list[str]:
    return [element.value for element in elements]


def test_viewer_sees_downloads_and_a_sign_in_prompt_but_no_edit_controls(monkeypatch, data_dir):
    """Without signing in there is no uploader, no grid editor, no apply or rollback."""
    app = _data_page(monkeypatch, data_dir, editors=True)
    assert translate("data.viewer_notice") in _texts(app.info)
    assert len(app.file_uploader) == 0
    assert not app.get("arrow_data_frame") or all(
        not element.proto.editing_mode for element in app.get("arrow_data_frame")
    )
    labels = {button.label for button in app.button}
    assert translate("data.sign_in_button") in labels
    editing = {"data.apply", "data.check_edits", "data.sign_out"}
    assert not labels & {translate(key) for key in editing}
    assert not [b for b in app.button if b.key and b.key.startswith("data_rollback")]
    assert len(app.checkbox) == 0
    downloads = app.get("download_button")
    assert len(downloads) >= 5


def test_wrong_password_is_refused(monkeypatch, data_dir):
    """A wrong password leaves the visitor a viewer."""
    app = _data_page(monkeypatch, data_dir, editors=True)
    _sign_in(app, "not the password")
    assert translate("data.sign_in_failed") in _texts(app.error)
    assert len(app.file_uploader) == 0


def test_without_editors_configured_no_sign_in_form(monkeypatch, data_dir):
    """A server without editors says how to add one and offers no form at all."""
    app = _data_page(monkeypatch, data_dir, editors=False)
    assert len(app.text_input) == 0
    assert any("add-editor" in caption.value for caption in app.caption)


def _agreements_csv(data_dir: DataDir, title: str, extra_row: str = "") -> bytes:
    rows = data_dir.rows("agreements")
    rows[0]["title_en"] = title
    header = data_dir.header("agreements")
    lines = [",".join(header)]
    for row in rows:
        lines.append(
            ",".join(f'"{row[name]}"' if "," in row[name] else row[name] for name in header)
        )
    if extra_row:
        lines.append(extra_row)
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_editor_uploads_previews_applies_and_rolls_back(monkeypatch, data_dir):
    """The whole flow: a rejected file gets a report; a good one a preview, apply and rollback."""
    original = (data_dir.path / "agreements.csv").read_bytes()
    app = _data_page(monkeypatch, data_dir, editors=True)
    _sign_in(app)
    assert len(app.file_uploader) == 1

    # A file with a mistake: the report names the line and column, and nothing can be applied.
    bad = _agreements_csv(data_dir, NEW_TITLE).replace(b"2018-07-04", b"43285")
    app.file_uploader[0].set_value(("agreements.csv", bad, "text/csv"))
    app.run()
    assert not app.exception
    assert any(
        text.startswith(translate("data.report_rejected", count=1)[:30])
        for text in _texts(app.error)
    )
    (report,) = _frames(app, PROBLEM)
    assert [str(line) for line in report[LINE]] == ["2"]
    assert list(report[COLUMN]) == ["signed_on"]
    assert not [b for b in app.button if b.label == translate("data.apply")]

    # A good file: warnings listed apart, a preview of the changed cell, then apply.
    good = _agreements_csv(data_dir, NEW_TITLE).replace(
        b"memorandum-of-understanding", b"Memorandum-Of-Understanding"
    )
    app.file_uploader[0].set_value(("agreements.csv", good, "text/csv"))
    app.run()
    assert not app.exception
    assert translate("data.report_valid") in _texts(app.success)
    (warnings,) = _frames(app, PROBLEM)
    assert list(warnings[COLUMN]) == ["kind"]
    (changed,) = _frames(app, "old")
    assert list(changed["column"]) == ["title_en"]
    assert list(changed["new"]) == [NEW_TITLE]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[translate("data.rows_changed")] == "1"
    app.text_input(key="data_apply_note").input("Title as published")
    _button(app, "data.apply").click()
    app.run()
    assert not app.exception
    assert translate("data.applied", version=2) in _texts(app.success)
    assert NEW_TITLE.encode() in (data_dir.path / "agreements.csv").read_bytes()
    versions = history(data_dir.path)
    assert [(v.number, v.kind) for v in versions] == [(1, "initial"), (2, "import")]
    assert (versions[1].who, versions[1].note) == ("alice", "Title as published")
    assert versions[1].rows_changed == {"agreements": {"added": 0, "removed": 0, "changed": 1}}

    # The Overview, opened afresh as another tab would be, shows the new title.
    overview = open_app(monkeypatch, data_dir.path)
    assert not overview.exception
    assert any(NEW_TITLE in header.value.replace("\\", "") for header in overview.subheader)

    # Roll back to version 1: the file is byte-identical to the original, recorded as version 3.
    roll_back(app, 1)
    assert (data_dir.path / "agreements.csv").read_bytes() == original
    assert [(v.number, v.kind, v.restores) for v in history(data_dir.path)][-1] == (
        3,
        "rollback",
        1,
    )


@pytest.mark.parametrize("language", ["zh", "both"])
def test_the_report_is_in_the_pages_language(monkeypatch, data_dir, language):
    """In 中文 the report's headings, problems and fixes are Chinese; in English + 中文 each text
    is given whole in both languages, one column each, never run together."""
    app = _data_page(monkeypatch, data_dir, editors=True, lang=language)
    _sign_in(app, language=language)
    bad = _agreements_csv(data_dir, NEW_TITLE).replace(b"2018-07-04", b"43285")
    app.file_uploader[0].set_value(("agreements.csv", bad, "text/csv"))
    app.run()
    assert not app.exception
    chinese = translate("columns.report_problem", "zh")
    (report,) = _frames(app, chinese)
    expected = Message("problem.not_a_date")
    assert list(report[chinese]) == [expected.text("zh")]
    assert list(report[translate("columns.report_fix", "zh")]) == [
        Message("problem.fix_excel_day_number").text("zh")
    ]
    english = translate("columns.report_problem", "en")
    if language == "both":
        assert list(report[english]) == [str(expected)]
    else:
        assert english not in report.columns
        assert all(not re.search("[A-Za-z]", heading) for heading in report.columns)


def test_actions_refuse_once_the_editor_is_removed(monkeypatch, data_dir):
    """An apply reached after the editor lost their right is refused and writes nothing."""
    original = (data_dir.path / "agreements.csv").read_bytes()
    app = _data_page(monkeypatch, data_dir, editors=True)
    _sign_in(app)
    app.file_uploader[0].set_value(
        ("agreements.csv", _agreements_csv(data_dir, NEW_TITLE), "text/csv")
    )
    app.run()
    # The editor is taken off the list while the page is open.
    (data_dir.path.parent / "secrets.toml").write_text("[editors.passwords]\n")
    _button(app, "data.apply").click()
    app.run()
    assert not app.exception
    assert (data_dir.path / "agreements.csv").read_bytes() == original
    assert history(data_dir.path) == []
    assert translate("data.viewer_notice") in _texts(app.info)


def test_apply_after_another_editor_changed_the_data_is_refused(monkeypatch, data_dir):
    """The preview was made on data that changed since: the editor is told, nothing written."""
    app = _data_page(monkeypatch, data_dir, editors=True)
    _sign_in(app)
    app.file_uploader[0].set_value(
        ("agreements.csv", _agreements_csv(data_dir, NEW_TITLE), "text/csv")
    )
    app.run()
    data_dir.set_cell("places", 2, "coordinates_note", "Changed by someone else.")
    meanwhile = (data_dir.path / "agreements.csv").read_bytes()
    _button(app, "data.apply").click()
    app.run()
    assert translate("data.apply_conflict") in _texts(app.error)
    assert (data_dir.path / "agreements.csv").read_bytes() == meanwhile
    # The file was checked again against the newer data, so applying it now goes through.
    _button(app, "data.apply").click()
    app.run()
    assert translate("data.applied", version=2) in _texts(app.success)
    assert NEW_TITLE.encode() in (data_dir.path / "agreements.csv").read_bytes()
    assert b"Changed by someone else." in (data_dir.path / "places.csv").read_bytes()


def test_an_editor_can_upload_the_fix_when_the_data_on_disk_is_broken(monkeypatch, data_dir):
    """With broken files and nothing to show elsewhere, the Data page still takes the fix."""
    good = (data_dir.path / "places.csv").read_bytes()
    data_dir.set_cell("places", 2, "lat", "north")
    app = _data_page(monkeypatch, data_dir, editors=True)
    _sign_in(app)
    app.file_uploader[0].set_value(("places.csv", good, "text/csv"))
    app.run()
    assert translate("data.report_valid") in _texts(app.success)
    _button(app, "data.apply").click()
    app.run()
    assert not app.exception
    assert (data_dir.path / "places.csv").read_bytes() == good


class SignedInUser(dict):
    """Stands in for st.user after an OpenID Connect sign-in (no identity provider in tests)."""

    is_logged_in = True


@pytest.mark.parametrize(
    ("email", "is_editor"), [("Ann@Example.org", True), ("x@example.org", False)]
)
def test_oidc_sign_in_is_checked_against_the_editors_list(monkeypatch, data_dir, email, is_editor):
    """With [auth] configured, a signed-in account edits only if its address is listed."""
    import streamlit

    monkeypatch.setattr(streamlit, "user", SignedInUser(email=email))
    secrets = {
        "auth": {"redirect_uri": "http://127.0.0.1/oauth2callback"},
        "editors": {"oidc": ["ann@example.org"]},
    }
    app = open_app(monkeypatch, data_dir.path, "pages/data.py", secrets)
    assert not app.exception
    assert len(app.file_uploader) == (1 if is_editor else 0)
    # As a reader sees it: without the escapes and the mark that keeps the address unlinked.
    shown = _texts(app.success if is_editor else app.warning)
    assert any(email in text.replace("\\", "").replace(WORD_JOINER, "") for text in shown)


def test_the_data_page_says_how_to_add_indicators(monkeypatch, data_dir):
    """The analysts' how-to for indicators (files and columns) is on the Data page, the place
    the Progress page no longer shows it."""
    app = _data_page(monkeypatch, data_dir, editors=False)
    (guide,) = [e for e in app.expander if e.label == translate("data.indicators_heading")]
    text = guide.markdown[0].value
    assert "`indicator_values.csv`" in text and "`direction`" in text


def test_the_broken_data_panel_reads_in_the_pages_language(monkeypatch, data_dir):
    """With broken files, every page's panel lists the problems in 中文 on a 中文 page."""
    data_dir.set_cell("places", 2, "lat", "north")
    app = open_app(monkeypatch, data_dir.path, lang="zh")
    assert not app.exception
    report = app.dataframe[0].value
    problem = translate("columns.report_problem", "zh")
    assert list(report[problem]) == [Message("problem.not_a_number").text("zh")]
    assert list(report[translate("columns.report_line", "zh")]) == [2]

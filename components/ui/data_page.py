"""Drawing the Data page: downloads, upload and in-browser edits, the report, the preview, apply,
history and rollback. Reading, checking and publishing are in plain modules
(`upload`, `changes`, `store`, `history`); every action checks again that an editor is signed
in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from components import publishing, upload
from components.changes import row_counts
from components.contract import Contract
from components.exports import csv_bytes, neutralise_formulas
from components.history import prepare_rollback
from components.i18n import join
from components.limits import MAX_UPLOAD_BYTES
from components.markdown_text import escape_markdown as md
from components.markdown_text import paragraphs
from components.problems import report_frame, report_headings
from components.store import Store, StoreUnavailableError, open_store
from components.templates import (
    data_csv,
    data_xlsx,
    data_zip,
    number_columns,
    stored_cells,
    template_csv,
    template_xlsx,
)
from components.ui import cached
from components.ui.auth import Editor, current_editor
from components.ui.shell import language
from components.upload import Proposal, records_to_csv

_log = logging.getLogger(__name__)

# Widget and session-state keys.
DOWNLOAD_TABLE_KEY = "data_download_table"
UPLOAD_KEY = "data_upload"
UPLOAD_TABLE_KEY = "data_upload_table"
UPLOAD_ROUND_KEY = "data_upload_round"
UPLOADER_BOX = "data_uploader_box"  # the uploader's container, whose words are relabelled
EDIT_TABLE_KEY = "data_edit_table"
EDIT_GRID_KEY = "data_edit_grid"
CHECK_EDITS_KEY = "data_check_edits"
PROPOSAL_KEY = "data_proposal"
REPORT_CONTAINER = "validation_report"  # also how the browser test finds the report
APPLY_FORM = "data_apply_form"
NOTE_KEY = "data_apply_note"
RESULT_KEY = "data_last_result"
CONFLICT_KEY = "data_last_conflict"
VERSION_KEY = "data_history_version"
CONFIRM_ROLLBACK_KEY = "data_confirm_rollback"
ROLLBACK_KEY = "data_rollback"
ROUTED_KEY = "data_page_routed"
RECOGNISE = ""
# Reports up to this long are shown in full as a plain table; longer ones scroll.
FULL_TEXT_ROWS = 30
MAX_EDIT_ROWS = 5_000  # the upload's table choice meaning "recognise it from the columns"
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIME = "application/zip"
MAX_NOTE_LENGTH = 500


@dataclass
class Checked:
    """A checked change waiting in the session: what was checked, and against which data."""

    proposal: Proposal
    source: str
    token: tuple


def opened_store(t: Callable[..., str], contract: Contract) -> Store | None:
    """The store the settings name, answering; None (and why, on the page) when it cannot
    be used: every section below reads it."""
    try:
        store = open_store(contract)
        store.state()  # the first question: a database that does not answer is found here
    except publishing.PublishError as error:
        # A database's own message names hosts and ports: it goes to the log, not the page.
        _log.warning("the store cannot be used: %s", error)
        unavailable = isinstance(error, StoreUnavailableError)
        reason = t("data.store_not_answering") if unavailable else md(str(error))
        st.error(paragraphs(t("data.store_unusable", reason=reason)))
        return None
    return store


def _table_csv(store: Store, table) -> bytes:
    """One table as it is now, built once for its files (see `cached.download`)."""
    key = ("table-csv", table.name, store.state())
    return cached.download(key, lambda: data_csv(store.file(table.filename) or b"", table))


def _all_data(store: Store, contract: Contract, make: Callable) -> bytes:
    """Every table as it is now, as one file `make` builds once for the files."""
    key = (make.__name__, store.state())
    return cached.download(key, lambda: make(store.current_files(), contract))


def _version_zip(store: Store, number: int, contract: Contract) -> bytes:
    """A past version as a ZIP: versions never change, so it is built once."""
    key = ("version-zip", store.name, number)
    return cached.download(key, lambda: data_zip(store.version_files(number), contract))


def downloads(t: Callable[..., str], store: Store, contract: Contract) -> None:
    """The current data and the templates: for everyone, editor or not.

    Each file is made when its button is pressed, from the files as they are then: building a
    workbook of a million values on every rerun would cost seconds nobody asked for. The data's
    files are built once per version of the files, however many viewers press."""
    st.header(t("data.downloads_heading"))
    st.caption(paragraphs(t("data.downloads_help")))
    names = contract.table_names
    name = st.selectbox(t("data.table"), names, key=DOWNLOAD_TABLE_KEY)
    table = contract.table(name)
    columns = st.columns(4)
    if store.has_file(table.filename):
        columns[0].download_button(
            t("data.download_table_csv", file=table.filename),
            partial(_table_csv, store, table),
            file_name=table.filename,
            mime=CSV_MIME,
            on_click="ignore",
        )
    columns[1].download_button(
        t("data.download_template_csv"),
        partial(template_csv, table),
        file_name=f"{table.name}-template.csv",
        mime=CSV_MIME,
        on_click="ignore",
    )
    columns[2].download_button(
        t("data.download_template_xlsx"),
        partial(template_xlsx, table, language()),
        file_name=f"{table.name}-template.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
    )
    columns[3].download_button(
        t("data.download_all_zip"),
        partial(_all_data, store, contract, data_zip),
        file_name="partnership-data.zip",
        mime=ZIP_MIME,
        on_click="ignore",
    )
    st.download_button(
        t("data.download_all_xlsx"),
        partial(_all_data, store, contract, data_xlsx),
        file_name="partnership-data.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
    )
    with st.expander(t("data.indicators_heading")):
        st.markdown(_how_to_add_indicators(t, contract))


def _how_to_add_indicators(t: Callable[..., str], contract: Contract) -> str:
    """Where indicators and their values go: the analysts' side of Progress's empty panel."""
    indicators, values = contract.table("indicators"), contract.table("indicator_values")

    def columns(table) -> str:
        return join((f"`{name}`" for name in table.column_names), language())

    return t(
        "data.how_to_add_indicators",
        indicators_file=f"`{indicators.filename}`",
        indicators_columns=columns(indicators),
        values_file=f"`{values.filename}`",
        values_columns=columns(values),
        sources_file=f"`{contract.table('sources').filename}`",
    )


def _keep_checked(proposal: Proposal, source: str, token: tuple) -> None:
    st.session_state[PROPOSAL_KEY] = Checked(proposal, source, token)
    st.session_state.pop(RESULT_KEY, None)


def _css_string(text: str) -> str:
    """Catalogue text as a CSS string (for `content:`), quotes and backslashes escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    escaped = escaped.replace("<", "\\3c ")
    return f'"{escaped}"'


def _uploader_words(t: Callable[..., str]) -> None:
    """Streamlit's own English on the uploader (its button and its size note) replaced by the
    catalogue's words in the page's language. Only the words change: the English is hidden
    from sight and from screen readers, the catalogue's text drawn in its place."""
    box = f".st-key-{UPLOADER_BOX} [data-testid='stFileUploaderDropzone']"
    button = f"{box} button [data-testid='stMarkdownContainer'] p"
    note = f"{box} [data-testid='stFileUploaderDropzoneInstructions'] span"
    limit = t("data.uploader_limit", megabytes=MAX_UPLOAD_BYTES // 1_048_576)
    hidden = "font-size: 0; visibility: hidden;"
    shown = "visibility: visible; font-size: 0.875rem;"
    st.html(
        f"<style>{button}, {note} {{ {hidden} }}"
        f"{button}::after {{ content: {_css_string(t('data.uploader_button'))}; {shown} }}"
        f"{note}::after {{ content: {_css_string(limit)}; {shown} }}</style>"
    )


def upload_section(t: Callable[..., str], store: Store, contract: Contract) -> None:
    st.caption(paragraphs(t("data.upload_help")))
    choices = [RECOGNISE, *contract.table_names]
    chosen = st.selectbox(
        t("data.upload_table"),
        choices,
        key=UPLOAD_TABLE_KEY,
        format_func=lambda name: name or t("data.upload_table_recognise"),
    )
    round_number = st.session_state.get(UPLOAD_ROUND_KEY, 0)
    _uploader_words(t)
    with st.container(key=UPLOADER_BOX):
        # No `type=` filter: the file's bytes decide what it is, and say so when it is neither.
        uploaded = st.file_uploader(
            t("data.upload_label"),
            key=f"{UPLOAD_KEY}-{round_number}",
            help=t("data.upload_label_help"),
        )
    if uploaded is None:
        return
    token = ("upload", uploaded.file_id, chosen)
    checked = st.session_state.get(PROPOSAL_KEY)
    if checked is None or checked.token != token:
        with st.spinner(t("data.checking")):
            proposal = upload.check_upload(
                uploaded.getvalue(),
                uploaded.name,
                store,
                table=chosen or None,
                contract=contract,
            )
        _keep_checked(proposal, uploaded.name, token)


def edit_section(t: Callable[..., str], store: Store, contract: Contract) -> None:
    st.caption(paragraphs(t("data.edit_help")))
    name = st.selectbox(t("data.table"), contract.table_names, key=EDIT_TABLE_KEY)
    table = contract.table(name)
    stored = store.file(table.filename)
    cells = stored_cells(stored, table) if stored is not None else pd.DataFrame()
    if len(cells) > MAX_EDIT_ROWS:
        # A grid of this size is slow to send and to edit; a file is the better tool.
        st.info(paragraphs(t("data.edit_too_large", rows=len(cells), limit=MAX_EDIT_ROWS)))
        return
    edited = st.data_editor(
        neutralise_formulas(cells, number_columns(table)),
        # A new key after each apply or rollback: old edits must not replay onto new data.
        key=f"{EDIT_GRID_KEY}-{name}-{st.session_state.get(UPLOAD_ROUND_KEY, 0)}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
    )
    if st.button(t("data.check_edits"), key=CHECK_EDITS_KEY):
        records = [list(edited.columns)] + [
            ["" if pd.isna(value) else str(value) for value in row]
            for row in edited.itertuples(index=False)
        ]
        proposal = upload.check_upload(
            records_to_csv(records), table.filename, store, table=name, contract=contract
        )
        source = t("data.browser_edits", file=table.filename)
        _keep_checked(proposal, source, ("edit", name, id(edited)))


def _show(frame: pd.DataFrame, numbers: Collection[str] = ()) -> None:
    """A table of data text. Formula-like text is shown neutralised, because the table's own
    download button would otherwise export it as a live formula. (Streamlit's only switch for
    that button, `client.disableDataExport`, also takes copying cells away from every grid.)"""
    st.dataframe(neutralise_formulas(frame, numbers), hide_index=True, width="stretch")


def report_in_language(problems) -> pd.DataFrame:
    """The report as the page shows and downloads it: its problems, fixes and headings in the
    page's language (in English + 中文, each text in both, one column per language)."""
    shown = language()
    return report_frame(problems, shown).rename(columns=report_headings(shown))


def _report_table(problems) -> None:
    # Shown under headings that already say errors or warnings: the severity column is left out.
    severity = [
        heading
        for name, heading in report_headings(language()).items()
        if name.startswith("severity")
    ]
    frame = report_in_language(problems).drop(columns=severity)
    if len(frame) <= FULL_TEXT_ROWS:
        # A short report in full: every word of the problem and the fix, wrapped, no toolbar.
        st.table(frame.astype("str").replace("<NA>", ""), border="horizontal", hide_index=True)
    else:
        _show(frame)


def _report(t: Callable[..., str], proposal: Proposal) -> None:
    if proposal.errors:
        st.error(paragraphs(t("data.report_rejected", count=len(proposal.errors))))
        _report_table(proposal.errors)
    if proposal.warnings:
        st.subheader(t("data.report_warnings", count=len(proposal.warnings)))
        _report_table(proposal.warnings)
    if proposal.problems:
        st.download_button(
            t("data.download_report"),
            csv_bytes(report_in_language(proposal.problems)),
            file_name="validation-report.csv",
            mime=CSV_MIME,
        )


def _preview(t: Callable[..., str], proposal: Proposal, contract: Contract) -> None:
    st.subheader(t("data.preview_heading"))
    for name, change in proposal.changes.items():
        st.markdown(f"**{md(proposal.labels.get(name, name))}** → {md(name)}")
        counts = change.counts
        numbers = number_columns(contract.table(name))
        columns = st.columns(3)
        columns[0].metric(t("data.rows_added"), counts["added"])
        columns[1].metric(t("data.rows_removed"), counts["removed"])
        columns[2].metric(t("data.rows_changed"), counts["changed"])
        if len(change.added):
            st.caption(paragraphs(t("data.rows_added")))
            _show(change.added, numbers)
        if len(change.removed):
            st.caption(paragraphs(t("data.rows_removed")))
            _show(change.removed, numbers)
        if len(change.changed):
            st.caption(paragraphs(t("data.cells_changed")))
            _show(change.changed)


def _refuse_unless_editor(t: Callable[..., str]) -> Editor | None:
    """Actions run only for a signed-in editor, whatever the page showed."""
    editor = current_editor()
    if editor is None:
        st.error(paragraphs(t("data.refused")))
    return editor


def _apply(t: Callable[..., str], checked: Checked, store: Store) -> None:
    with st.form(APPLY_FORM):
        note = st.text_input(t("data.note"), key=NOTE_KEY, max_chars=MAX_NOTE_LENGTH)
        submitted = st.form_submit_button(t("data.apply"), type="primary")
    if not submitted:
        return
    editor = _refuse_unless_editor(t)
    if editor is None:
        return
    proposal = checked.proposal
    try:
        version = store.publish(
            proposal.files,
            who=editor.name,
            note=note.strip(),
            kind="edit" if checked.token[0] == "edit" else "import",
            rows_changed=row_counts(proposal.changes),
            expected=proposal.base,
        )
    except publishing.DataChangedError:
        # Drop the stale check: the same upload is checked again against the newer data.
        st.session_state.pop(PROPOSAL_KEY, None)
        st.session_state[CONFLICT_KEY] = t("data.apply_conflict")
        st.rerun()
    except publishing.BusyError:
        st.error(paragraphs(t("data.apply_busy")))
        return
    except publishing.PublishError as error:  # e.g. a second history for this data folder
        st.error(paragraphs(t("data.apply_failed", reason=md(str(error)))))
        return
    st.session_state.pop(PROPOSAL_KEY, None)
    st.session_state[UPLOAD_ROUND_KEY] = st.session_state.get(UPLOAD_ROUND_KEY, 0) + 1
    st.session_state[RESULT_KEY] = t("data.applied", version=version.number)
    st.rerun()


def change_section(t: Callable[..., str], store: Store, contract: Contract) -> None:
    """The checked upload or edits: report, preview and apply."""
    if message := st.session_state.get(RESULT_KEY):
        st.success(message)
    if message := st.session_state.pop(CONFLICT_KEY, None):
        st.error(message)
    checked: Checked | None = st.session_state.get(PROPOSAL_KEY)
    if checked is None:
        return
    proposal = checked.proposal
    with st.container(key=REPORT_CONTAINER):
        st.header(t("data.report_heading", source=md(checked.source)))
        _report(t, proposal)
    if not proposal.ok:
        return
    if not proposal.has_changes:
        st.info(paragraphs(t("data.no_changes")))
        return
    st.success(paragraphs(t("data.report_valid")))
    _preview(t, proposal, contract)
    _apply(t, checked, store)


def recovered(t: Callable[..., str], store: Store) -> bool:
    """Finish an apply interrupted after its commit point; False (and why, on the page) when
    the history cannot be used, so nothing is changed until it is put right."""
    try:
        store.recover_if_needed()
    except publishing.PublishError as error:
        st.error(paragraphs(t("data.history_unusable", reason=md(str(error)))))
        return False
    return True


def history_section(t: Callable[..., str], store: Store, contract: Contract) -> None:
    st.header(t("data.history_heading"))
    versions = store.history()
    if not versions:
        st.caption(paragraphs(t("data.history_empty")))
        return
    rows = [
        {
            t("data.history_version"): version.number,
            t("data.history_when"): version.when.replace("T", " ").replace("+00:00", " UTC"),
            t("data.history_who"): version.who or "—",
            t("data.history_kind"): t(f"data.kind.{version.kind}")
            + (f" {version.restores}" if version.restores else ""),
            t("data.history_rows"): ", ".join(
                f"{table}: +{c['added']} −{c['removed']} ~{c['changed']}"
                for table, c in version.rows_changed.items()
            ),
            t("data.history_note"): version.note,
        }
        for version in reversed(versions)
    ]
    _show(pd.DataFrame(rows))
    numbers = [version.number for version in reversed(versions)]
    number = st.selectbox(t("data.history_choose"), numbers, key=VERSION_KEY)
    left, right = st.columns(2)
    left.download_button(
        t("data.history_download", version=number),
        partial(_version_zip, store, number, contract),
        file_name=f"partnership-data-version-{number}.zip",
        mime=ZIP_MIME,
        on_click="ignore",
    )
    confirmed = right.checkbox(t("data.rollback_confirm", version=number), key=CONFIRM_ROLLBACK_KEY)
    if right.button(t("data.rollback", version=number), key=ROLLBACK_KEY, disabled=not confirmed):
        _rollback(t, number, store, contract)


def _rollback(t: Callable[..., str], number: int, store: Store, contract: Contract) -> None:
    editor = _refuse_unless_editor(t)
    if editor is None:
        return
    plan = prepare_rollback(store, number, contract)
    if plan.errors:
        st.error(paragraphs(t("data.rollback_invalid", version=number)))
        _report_table(plan.errors)
        return
    try:
        # Refused if the data changed since the plan was made: a version published meanwhile
        # is never silently discarded.
        version = store.rollback(
            number,
            who=editor.name,
            rows_changed=plan.rows_changed,
            expected=plan.base,
        )
    except publishing.PublishError as error:
        st.error(paragraphs(t("data.rollback_failed", reason=md(str(error)))))
        return
    st.session_state.pop(CONFIRM_ROLLBACK_KEY, None)
    st.session_state.pop(PROPOSAL_KEY, None)  # checked against data that is no longer current
    st.session_state[UPLOAD_ROUND_KEY] = st.session_state.get(UPLOAD_ROUND_KEY, 0) + 1
    st.session_state[RESULT_KEY] = t("data.rolled_back", version=number, new=version.number)
    st.rerun()

"""The Data page in a real browser: an editor signs in, uploads a broken file and reads the
validation report (its screenshot is the one in docs/), then applies a good file; a viewer gets
no upload control. No request leaves the machine."""

from __future__ import annotations

import shutil

import pytest

from components.editors import add_editor
from components.i18n import translate
from tests.browser.conftest import (
    ARTIFACTS,
    open_page,
    rerun_expected,
    start_server,
    stop_server,
    wait_until_settled,
)
from tests.conftest import SHIPPED_DATA

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
REPORT_SHOT = ARTIFACTS / "validation-report.png"


@pytest.fixture
def editor_server(tmp_path):
    shutil.copytree(SHIPPED_DATA, tmp_path / "data")
    secrets = tmp_path / "secrets.toml"
    add_editor("alice", PASSWORD, secrets)
    server = start_server(
        tmp_path / "data",
        tmp_path / "streamlit.log",
        extra_env={
            "PARTNERSHIP_SECRETS_FILE": str(secrets),
            "PARTNERSHIP_HISTORY_DIR": str(tmp_path / "history"),
        },
    )
    yield server
    stop_server(server)


def test_viewer_has_no_upload_control(editor_server, page, offline):
    open_page(page, f"{editor_server.url}/data")
    page.get_by_text(translate("data.viewer_notice")).wait_for()
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.get_by_role("button", name=translate("data.sign_in_button")).count() == 1
    assert offline.blocked == []


def test_editor_sees_the_report_then_applies_a_good_file(editor_server, page, offline, tmp_path):
    """Sign in, upload a file with mistakes, read the report; then upload a fix and apply it."""
    open_page(page, f"{editor_server.url}/data")
    page.get_by_label(translate("data.sign_in_name")).fill("alice")
    page.get_by_role("textbox", name=translate("data.sign_in_password")).fill(PASSWORD)
    with rerun_expected(page):
        page.get_by_role("button", name=translate("data.sign_in_button")).click()
    page.get_by_text(translate("data.upload_label")).first.wait_for()

    places = (editor_server.data_dir / "places.csv").read_text(encoding="utf-8")
    lines = places.splitlines()
    # Latitude and longitude swapped on one row, a day-first date style elsewhere is not here,
    # an unknown parent place on another, and 'City' in capitals (a warning only).
    lines[5] = lines[5].replace("39.5234,116.7036", "116.7036,39.5234").replace(",city,", ",City,")
    lines[6] = lines[6].replace(",hebei,", ",hebie,")
    broken = tmp_path / "places.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(broken))
    page.get_by_text(translate("data.report_rejected", count=2)[:40]).wait_for(timeout=30_000)
    wait_until_settled(page)
    report = page.locator(".st-key-validation_report")
    report.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    report.screenshot(path=str(REPORT_SHOT))

    fixed = tmp_path / "fixed" / "places.csv"
    fixed.parent.mkdir()
    fixed.write_text(places.replace("City centre (Carfax).", "Carfax tower."), encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(fixed))
    page.get_by_text(translate("data.report_valid")).wait_for(timeout=30_000)
    wait_until_settled(page)
    page.get_by_label(translate("data.note")).fill("Carfax named as the tower")
    page.get_by_role("button", name=translate("data.apply")).click()
    page.get_by_text(translate("data.applied", version=2)[:25]).wait_for(timeout=30_000)
    assert "Carfax tower." in (editor_server.data_dir / "places.csv").read_text(encoding="utf-8")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline.blocked == []


def pseudo_text(page, selector: str) -> str:
    """The text a `::after` draws over an element (CSS quotes it)."""
    return page.locator(selector).first.evaluate(
        "element => getComputedStyle(element, '::after').content"
    )


def test_the_uploader_speaks_the_pages_language(editor_server, page, offline):
    """In 中文 the uploader's button and size note are the catalogue's Chinese, Streamlit's
    English hidden; the report of a broken file is in Chinese."""
    open_page(page, f"{editor_server.url}/data?lang=zh")
    page.get_by_label(translate("data.sign_in_name", "zh")).fill("alice")
    page.get_by_role("textbox", name=translate("data.sign_in_password", "zh")).fill(PASSWORD)
    with rerun_expected(page):
        page.get_by_role("button", name=translate("data.sign_in_button", "zh")).click()
    page.get_by_text(translate("data.upload_label", "zh")).first.wait_for()
    box = ".st-key-data_uploader_box [data-testid='stFileUploaderDropzone']"
    button = f"{box} button [data-testid='stMarkdownContainer'] p"
    note = f"{box} [data-testid='stFileUploaderDropzoneInstructions'] span"
    assert pseudo_text(page, button) == f'"{translate("data.uploader_button", "zh")}"'
    limit = translate("data.uploader_limit", "zh", megabytes=10)
    assert pseudo_text(page, note) == f'"{limit}"'
    for english in (button, note):
        assert (
            page.locator(english).first.evaluate("element => getComputedStyle(element).visibility")
            == "hidden"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".st-key-data_uploader_box").screenshot(path=str(ARTIFACTS / "uploader-zh.png"))
    broken = (editor_server.data_dir / "places.csv").read_bytes().replace(b",hebei,", b",hebie,")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": "places.csv", "mimeType": "text/csv", "buffer": broken}
    )
    rejected = translate("data.report_rejected", "zh", count=1).split("：")[0]
    page.get_by_text(rejected).first.wait_for(timeout=30_000)
    report = page.locator(".st-key-validation_report").inner_text()
    assert translate("columns.report_fix", "zh") in report and "Did you mean" not in report
    assert offline.blocked == []

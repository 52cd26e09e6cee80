"""The Data page's downloads are made when pressed, from the files as they are then."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from components.contract import load_contract
from components.i18n import translate
from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser


def test_all_data_zip_downloads_every_table(app_server, page):
    open_page(page, f"{app_server.url}/data")
    button = page.get_by_role("button", name=translate("data.download_all_zip"))
    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = download.value.path()
    assert path is not None
    with zipfile.ZipFile(io.BytesIO(Path(path).read_bytes())) as archive:
        names = set(archive.namelist())
        expected = {table.filename for table in load_contract().tables}
        assert expected <= names
        agreements = archive.read("agreements.csv").decode("utf-8-sig")
    assert "oxford-hebei-mou-2018" in agreements

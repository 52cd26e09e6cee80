"""Templates from the contract, formula-safe XLSX exports, change previews, and editors' secrets."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import tomllib
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from components import editors
from components.changes import diff_tables
from components.contract import load_contract
from components.exports import neutralise_formulas, xlsx_bytes
from components.templates import HELP_SHEET, data_zip, template_csv, template_xlsx
from components.upload import check_upload, read_upload
from tests.conftest import REPO, SHIPPED_DATA


@pytest.mark.parametrize("table", load_contract().tables, ids=lambda t: t.name)
def test_csv_template_has_the_header_and_the_example_row(table):
    """Line 1 is the contract's header, line 2 its example values."""
    frame = pd.read_csv(io.BytesIO(template_csv(table)), dtype=str, keep_default_na=False)
    assert list(frame.columns) == table.column_names
    assert frame.iloc[0].tolist() == [
        "'" + c.example if c.example.startswith("-") and c.type == "string" else c.example
        for c in table.columns
    ]


@pytest.mark.parametrize("table", load_contract().tables, ids=lambda t: t.name)
def test_xlsx_template_describes_every_column(table):
    """The second sheet lists each column with its type, whether required and allowed values."""
    book = load_workbook(io.BytesIO(template_xlsx(table)))
    assert book.sheetnames == [table.name, HELP_SHEET]
    data = [[cell.value for cell in row] for row in book[table.name].iter_rows()]
    assert data[0] == table.column_names
    guide = pd.DataFrame(
        [[cell.value for cell in row] for row in book[HELP_SHEET].iter_rows(min_row=2)],
        columns=[cell.value for cell in book[HELP_SHEET][1]],
    )
    assert guide["column"].tolist() == table.column_names
    for column, row in zip(table.columns, guide.itertuples(index=False), strict=True):
        assert row.required == ("yes" if column.required else "no")
        for value in column.enum:
            assert value in row[guide.columns.get_loc("allowed values")]
    # The template is a file the Data page reads back as that table.
    upload = read_upload(template_xlsx(table), f"{table.name}-template.xlsx")
    assert list(upload.tables) == [table.name]


def _guide(book, sheet: str) -> pd.DataFrame:
    rows = [[cell.value or "" for cell in row] for row in book[sheet].iter_rows()]
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.parametrize("table", load_contract().tables, ids=lambda t: t.name)
def test_the_xlsx_guide_is_in_chinese_on_a_chinese_page(table):
    """In 中文 the guide sheet, its headings and every description are Chinese; the column
    names, allowed values and examples stay as they are written in the file; the template is
    still read back as its table."""
    book = load_workbook(io.BytesIO(template_xlsx(table, "zh")))
    assert book.sheetnames == [table.name, "列说明"]
    guide = _guide(book, "列说明")
    assert not any(re.search("[A-Za-z]", heading.replace(table.name, "")) for heading in guide)
    assert guide["列"].tolist() == table.column_names
    assert set(guide["是否必填"]) <= {"是", "否"}
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in guide["说明"])
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in guide["类型"])
    upload = read_upload(template_xlsx(table, "zh"), f"{table.name}-template.xlsx")
    assert list(upload.tables) == [table.name] and not upload.problems


def test_the_xlsx_guide_in_both_languages_gives_each_text_whole_on_two_lines():
    """English + 中文: each heading and text is the English line, then the Chinese one."""
    table = load_contract().table("sources")
    book = load_workbook(io.BytesIO(template_xlsx(table, "both")))
    (sheet,) = [name for name in book.sheetnames if name != table.name]
    guide = _guide(book, sheet)
    assert list(guide.columns)[:2] == ["column\n列", "type\n类型"]
    description = guide.iloc[0, 5].split("\n")
    assert description == [table.columns[0].description, table.columns[0].description_zh]


def test_the_template_examples_are_examples_and_follow_the_glossary():
    """No example names a real council as a publisher; Chinese examples follow the glossary
    (牛津市, not 牛津 alone; no announcement by "议会" alone)."""
    contract = load_contract()
    sources = contract.table("sources")
    assert "Example" in sources.column("publisher").example
    assert sources.column("title").example.startswith("Example")
    assert sources.column("title_zh").example.startswith("示例")
    for table in contract.tables:
        for column in table.columns:
            assert not re.search("牛津(?![市郡大])", column.example), (table.name, column.name)
            assert not column.example.startswith("议会"), (table.name, column.name)
            assert "实习与学徒" not in column.example or "实习与学徒培训" in column.example


def test_xlsx_export_stores_formula_text_as_text():
    """'=cmd' is a text cell with Excel's quote prefix, never a formula; numbers stay numbers."""
    frame = pd.DataFrame(
        {"title": ['=HYPERLINK("x")', "@SUM(A1)", "plain"], "n": ["-1.5", "6", ""]}
    )
    book = load_workbook(io.BytesIO(xlsx_bytes({"sheet": frame}, numbers={"sheet": ["n"]})))
    cells = list(book["sheet"].iter_rows(min_row=2))
    assert [(c[0].value, c[0].data_type, c[0].quotePrefix) for c in cells] == [
        ('=HYPERLINK("x")', "s", True),
        ("@SUM(A1)", "s", True),
        ("plain", "s", False),
    ]
    assert [c[1].value for c in cells] == [-1.5, 6, None]


def test_data_zip_round_trips_without_changes(data_dir):
    """Downloading all tables and uploading the ZIP again changes nothing."""
    contract = load_contract()
    files = {t.filename: (data_dir.path / t.filename).read_bytes() for t in contract.tables}
    proposal = check_upload(data_zip(files, contract), "all.zip", data_dir.path)
    assert proposal.ok and not proposal.has_changes


def test_diff_names_added_removed_and_changed_cells():
    table = load_contract().table("sources")
    old = pd.DataFrame({"source_id": ["a", "b"], "title": ["A", "B"]}, dtype="str")
    new = pd.DataFrame({"source_id": ["a", "c"], "title": ["A2", "C"]}, dtype="str")
    change = diff_tables(old, new, table)
    assert change.added["source_id"].tolist() == ["c"]
    assert change.removed["source_id"].tolist() == ["b"]
    assert change.changed.values.tolist() == [["a", "title", "A", "A2"]]
    assert change.counts == {"added": 1, "removed": 1, "changed": 1}


def test_password_hashes_are_salted_and_verified():
    """The same password hashes differently each time, and only the right one verifies."""
    first, second = (
        editors.hash_password("a long password"),
        editors.hash_password("a long password"),
    )
    assert first != second and first.startswith("scrypt$")
    assert editors.verify_password("a long password", first)
    assert not editors.verify_password("a long passworD", first)
    assert not editors.verify_password("anything", "not-a-hash")


def test_add_editor_keeps_the_rest_of_the_secrets_file(tmp_path):
    """Adding or replacing an editor leaves other sections and comments as they were."""
    path = tmp_path / "secrets.toml"
    path.write_text('# deployment\n[auth]\nredirect_uri = "http://x/oauth2callback"\n')
    editors.add_editor("alice", "first password", path)
    editors.add_editor("bob.smith", "second password", path)
    editors.add_editor("alice", "changed password", path)
    text = path.read_text()
    assert text.startswith("# deployment\n[auth]\n")
    secrets = tomllib.loads(text)
    assert secrets["auth"]["redirect_uri"] == "http://x/oauth2callback"
    assert editors.check_password(secrets, "alice", "changed password")
    assert not editors.check_password(secrets, "alice", "first password")
    assert editors.check_password(secrets, "bob.smith", "second password")
    assert "changed password" not in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(editors.EditorError):
        editors.add_editor("alice", "short", path)
    with pytest.raises(editors.EditorError):
        editors.add_editor('bad"name', "long enough password", path)


def _old_cost_hash(password: str) -> str:
    """A hash as the app stored them before the cost was raised (scrypt N = 2^14)."""
    salt = b"sixteen byte slt"
    derived = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${2**14}$8$1${editors._b64(salt)}${editors._b64(derived)}"


def test_new_hashes_use_owasps_scrypt_cost_and_old_ones_still_verify():
    """A new hash records N = 2^17, r = 8, p = 1; one made at the old cost still verifies and
    is marked for re-hashing, a current one is not."""
    stored = editors.hash_password("a long password")
    assert stored.split("$")[:4] == ["scrypt", str(2**17), "8", "1"]
    assert not editors.needs_rehash(stored)
    old = _old_cost_hash("a long password")
    assert editors.verify_password("a long password", old)
    assert editors.needs_rehash(old)
    # A cost far above today's in a hand-edited file is refused, not run.
    assert not editors.verify_password("a long password", old.replace("$16384$", "$4194304$"))


@pytest.fixture
def scrypt_calls(monkeypatch):
    """Every scrypt the editors module runs, by the cost it ran at."""
    calls = []
    real = hashlib.scrypt

    def counted(password, **options):
        calls.append((options["n"], options["r"], options["p"]))
        return real(password, **options)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return calls


@pytest.mark.parametrize("name", ["alice", "nobody"])
def test_a_known_and_an_unknown_name_cost_one_hash_at_the_same_cost(name, scrypt_calls):
    """Checking a password runs scrypt exactly once at today's cost, whether or not the name
    is an editor's, so timing does not tell which names exist."""
    secrets = {"editors": {"passwords": {"alice": editors.hash_password("a long password")}}}
    editors._unknown_name_hash()  # made once per process, before any sign-in is timed
    scrypt_calls.clear()
    assert not editors.check_password(secrets, name, "a wrong password")
    assert scrypt_calls == [(editors.SCRYPT_N, editors.SCRYPT_R, editors.SCRYPT_P)]


def test_rehash_rewrites_only_an_old_hash_still_in_the_file(tmp_path):
    """After a right password an old hash is replaced at today's cost (the rest of the file
    kept); a current hash, or one an administrator changed meanwhile, is left alone."""
    path = tmp_path / "secrets.toml"
    old = _old_cost_hash("a long password")
    path.write_text(
        f'# deployment\n[auth]\nredirect_uri = "x"\n\n[editors.passwords]\n"alice" = "{old}"\n'
    )
    assert not editors.rehash_if_needed("alice", "a long password", "scrypt$changed$", path)
    assert editors.password_hashes(editors.read_secrets(path))["alice"] == old
    assert editors.rehash_if_needed("alice", "a long password", old, path)
    text = path.read_text()
    assert text.startswith('# deployment\n[auth]\nredirect_uri = "x"\n')
    stored = editors.password_hashes(tomllib.loads(text))["alice"]
    assert not editors.needs_rehash(stored)
    assert editors.verify_password("a long password", stored)
    assert not editors.rehash_if_needed("alice", "a long password", stored, path)


def test_the_secrets_file_is_read_again_only_when_it_changes(tmp_path, monkeypatch):
    """Every rerun asks for the editors: the file is parsed once per change, and a change
    (an editor added) is seen at once."""
    path = tmp_path / "secrets.toml"
    editors.add_editor("alice", "a long password", path)
    parsed = []
    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(1) or real(text))
    first = editors.read_secrets(path)
    first["editors"]["passwords"].clear()  # a caller's copy, not the cached one
    assert set(editors.password_hashes(editors.read_secrets(path))) == {"alice"}
    assert len(parsed) == 1
    monkeypatch.setattr(tomllib, "loads", real)
    editors.add_editor("bob", "another long password", path)
    assert set(editors.password_hashes(editors.read_secrets(path))) == {"alice", "bob"}


def test_the_app_and_the_command_read_the_same_secrets_file(tmp_path, monkeypatch):
    """PARTNERSHIP_SECRETS_FILE names the file both write and read by default."""
    path = tmp_path / "elsewhere.toml"
    monkeypatch.setenv(editors.SECRETS_VARIABLE, str(path))
    editors.add_editor("alice", "a long password", None)
    assert path.exists()
    assert "alice" in editors.password_hashes(editors.read_secrets())


def test_a_broken_secrets_file_is_named_with_its_line(tmp_path):
    """A secrets file that is not TOML gives an EditorError naming the file and the line."""
    path = tmp_path / "secrets.toml"
    path.write_text('[editors.passwords]\n"alice" = \n')
    with pytest.raises(editors.EditorError, match=r"secrets\.toml.*line 2"):
        editors.read_secrets(path)


def test_oidc_editors_list_is_case_insensitive():
    secrets = {"editors": {"oidc": ["Analyst@Example.org"]}}
    assert editors.is_oidc_editor(secrets, "analyst@example.org")
    assert not editors.is_oidc_editor(secrets, "someone@example.org")
    assert not editors.is_oidc_editor({}, None)


def test_add_editor_command_reads_the_password_from_stdin(tmp_path):
    """`partnership add-editor NAME` stores a hash that the Data page accepts."""
    path = tmp_path / "secrets.toml"
    result = subprocess.run(
        [sys.executable, "-m", "components.cli", "add-editor", "carol", "--secrets", str(path)],
        input="a fine long password\n",
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PARTNERSHIP_DATA_DIR": str(SHIPPED_DATA)},
    )
    assert result.returncode == 0, result.stderr
    assert editors.check_password(editors.read_secrets(path), "carol", "a fine long password")


def test_upload_zip_of_every_table_named_by_member(data_dir):
    """A ZIP's members are matched to tables by their names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sources.csv", (data_dir.path / "sources.csv").read_bytes())
    upload = read_upload(buffer.getvalue(), "bundle.zip")
    assert list(upload.tables) == ["sources"]
    assert upload.tables["sources"].label == "bundle.zip/sources.csv"


def test_number_columns_holding_text_are_still_neutralised():
    """A broken number column ('=cmd' in lat) is exported as text, never as a formula."""
    frame = pd.DataFrame({"lat": ["-1.5", "=cmd", "north"]})
    assert neutralise_formulas(frame, numbers=["lat"])["lat"].tolist() == ["-1.5", "'=cmd", "north"]
    book = load_workbook(io.BytesIO(xlsx_bytes({"s": frame}, numbers={"s": ["lat"]})))
    cells = [row[0] for row in book["s"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(-1.5, "n"), ("=cmd", "s"), ("north", "s")]
    assert cells[1].quotePrefix

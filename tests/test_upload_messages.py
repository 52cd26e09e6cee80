"""Every problem the validator and the upload path report reads wholly in Chinese on a 中文 page:
each text is a catalogue message, and its Chinese holds no Latin word but the values it quotes
(ids, column names, file names) and the names of file formats an analyst meets in Excel."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest

from components.i18n import Bilingual, catalogue
from components.loader import load_dataset
from components.problems import Listed, Message, Problem, Quoted, report_frame, report_headings
from components.upload import check_upload
from tests.conftest import REPO, DataDir
from tests.test_upload_damaged import DAMAGED_WORKBOOKS, DAMAGED_ZIPS

CORPUS = REPO / "tests" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")
# Names an analyst sees in Excel's menus or in a file's type, kept as they are in Chinese too,
# and the columns and files the messages name (never words of the dashboard's own).
TECHNICAL_NAMES = re.compile(
    r"CSV UTF-8|UTF-8|UTF-16|GB18030/GBK|GB18030|Windows-1252|Windows|ANSI|Unicode|Excel|"
    r"LibreOffice|macOS|XLSX|XLS|CSV|ZIP|PDF|PNG|JPEG|GIF|gzip|7-Zip|RAR|AES|Deflate64|Word|"
    r"PowerPoint|Office|TRUE/FALSE|YYYY-MM-DD|DD/MM/YYYY|ISO 3166-1|GB|CN|WGS|MB|U\+|a-z|"
    r"https|http|javascript|data|file|reference|status|planned|target_date|target|"
    r"indicators\.csv|places\.csv|partnership store import DATA_FOLDER --database URL"
)


def leaves(value: object) -> list[str]:
    """The values a message quotes, as its Chinese text writes them."""
    if isinstance(value, Message):
        return [text for inner in value.values.values() for text in leaves(inner)]
    if isinstance(value, Listed):
        return [text for item in value.items for text in leaves(item)]
    if isinstance(value, Quoted):
        return [value.text("zh")]
    if isinstance(value, Bilingual):
        return [value.zh]
    return [str(value)]


def latin_left(message: Message) -> str:
    """What is left of the Chinese text once the quoted values and technical names are out."""
    text = message.text("zh")
    for value in sorted(leaves(message), key=len, reverse=True):
        text = text.replace(value, " ")
    return TECHNICAL_NAMES.sub(" ", text)


def assert_reads_in_chinese(problems: list[Problem]) -> None:
    assert problems
    for problem in problems:
        for text in (problem.problem, problem.fix):
            if text == "" and text is problem.fix:
                continue  # a warning about a rewrite has nothing to fix
            assert isinstance(text, Message), f"not a catalogue message: {text!r}"
            chinese = text.text("zh")
            assert CJK.search(chinese), (text.key, chinese)
            assert not re.search(r"[A-Za-z]", latin_left(text)), (text.key, chinese)


@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(CORPUS / "base", target)
    return target


def test_every_corpus_files_problems_read_in_chinese(base_dir: Path):
    """Each problem the corpus's tricky and broken files give has its Chinese text."""
    found = []
    for entry in MANIFEST:
        data = (CORPUS / "files" / entry["file"]).read_bytes()
        found += check_upload(data, entry["file"], base_dir, table=entry.get("table")).problems
    assert_reads_in_chinese(found)
    assert len({p.problem.key for p in found}) >= 30


@pytest.mark.parametrize(
    "data", [*DAMAGED_ZIPS.values(), *DAMAGED_WORKBOOKS.values()], ids=lambda case: ""
)
def test_a_damaged_uploads_problem_reads_in_chinese(data, base_dir: Path):
    """ZIPs and workbooks that cannot be read are refused in Chinese too."""
    data, _ = data
    assert_reads_in_chinese(check_upload(data, "upload.xlsx", base_dir).problems)


def test_the_loaders_problems_read_in_chinese(data_dir: DataDir):
    """A data folder with many kinds of mistake (and one past the listed lines) is reported in
    Chinese, the count of lines left out included."""
    rows = data_dir.rows("milestones")
    broken = [
        {**rows[0], "milestone_id": f"m-{n}", "place_id": "atlantis", "date": "2018-13-01"}
        for n in range(60)
    ]
    data_dir.write("milestones", broken)
    data_dir.set_cell("places", 2, "lat", "north")
    data_dir.set_cell("places", 3, "lon", "500")
    data_dir.set_cell("initiatives", 2, "status", "Finished")
    data_dir.set_cell("sources", 2, "url", "javascript:alert(1)")
    data_dir.set_cell("people", 2, "precedence", "0")
    data_dir.set_cell("people", 3, "name_en", "Colin\u202eCook")
    problems = load_dataset(data_dir.path).problems
    assert_reads_in_chinese(problems)
    keys = {p.problem.key for p in problems}
    assert {"problem.more_lines", "problem.at_least", "problem.not_a_web_address"} <= keys


def test_the_report_has_a_column_per_language_in_both():
    """In English + 中文 each problem and fix is a column in each language, never "A · 中"."""
    problem = Problem(
        severity="error",
        file="places.csv",
        line=2,
        column="lat",
        value="north",
        problem=Message("problem.not_a_number"),
        fix=Message("problem.fix_number"),
    )
    frame = report_frame([problem], "both").rename(columns=report_headings("both"))
    assert frame.loc[0, "Problem"] == str(problem.problem)
    assert frame.loc[0, "问题"] == problem.problem.text("zh")
    assert frame.loc[0, "How to fix it"] == str(problem.fix)
    chinese = report_frame([problem], "zh")
    assert chinese.loc[0, "severity"] == "错误" and CJK.search(chinese.loc[0, "fix"])


def _text_arguments(call: ast.Call) -> list[ast.expr]:
    """The arguments of a call that become a problem's texts."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    texts = [k.value for k in call.keywords if k.arg in ("problem", "fix")]
    if name == "add_rows":
        texts += call.args[5:7]
    if name == "_fatal":
        texts += call.args[1:3]
    return texts if name in ("Problem", "add_rows", "_fatal") else []


def test_no_problem_is_worded_outside_the_catalogue():
    """No `Problem`, `add_rows` or `_fatal` is given text written in the code: a new message
    must be a catalogue key, so it cannot reach a 中文 page without its Chinese."""
    written = []
    for path in (REPO / "components").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for text in _text_arguments(node):
                    literal = isinstance(text, ast.JoinedStr | ast.BinOp) or (
                        isinstance(text, ast.Constant) and text.value != ""
                    )
                    if literal:
                        written.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert written == []


def test_every_message_key_in_the_code_is_in_both_catalogues():
    """Each literal `Message("problem....")` key exists in English and in Chinese."""
    keys = set()
    for path in (REPO / "components").rglob("*.py"):
        keys |= set(re.findall(r'Message\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert len(keys) > 80
    assert sorted(keys - set(catalogue("zh"))) == [] and sorted(keys - set(catalogue("en"))) == []

"""Each page's floor, read from the page itself: its element tree from a real run (AppTest).

The tree keeps what a browser has to build and draw (the kinds of element, in order, and the
blocks that hold them: columns, expanders, containers) and drops what it shows, so
`floor_app.py` can draw the same page from trivial data. Read again on every bench run, the
floor follows the pages as they change.

Usage: `python -m scripts.bench.floor_spec DATA_DIR OUT.json` (one process per dataset, since
the app reads its data folder from the environment).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from components.app_pages import APP_PAGES
from components.i18n import translate
from scripts.bench.servers import OUR_APP

# Elements floor_app.py knows how to draw; any other kind is drawn as a line of text and named
# in the report, so a new kind of element cannot silently make the floor cheaper.
DRAWN_KINDS = frozenset(
    {
        "title", "header", "subheader", "markdown", "caption", "html", "divider", "metric",
        "dataframe", "download_button", "info", "warning", "error", "success", "text_input",
        "number_input", "selectbox", "multiselect", "radio", "date_input", "button",
        "button_group", "plotly_chart", "deck_gl_json_chart", "toggle", "checkbox",
    }
)  # fmt: skip


def _items(block) -> list[dict]:
    from streamlit.testing.v1.element_tree import Block

    items = []
    for key in sorted(block.children):
        node = block.children[key]
        if not isinstance(node, Block):
            items.append({"element": node.type})
        elif (
            node.type == "flex_container"
            and node.children
            and all(child.type == "column" for child in node.children.values())
        ):
            columns = [node.children[k] for k in sorted(node.children)]
            items.append(
                {
                    "columns": [_items(column) for column in columns],
                    "weights": [column.proto.weight for column in columns],
                }
            )
        elif node.type == "expander":
            items.append({"expander": _items(node), "expanded": bool(node.proto.expanded)})
        elif node.type == "tab_container":
            tabs = [node.children[k] for k in sorted(node.children)]
            items.append({"tabs": [_items(tab) for tab in tabs]})
        else:
            items.append({"container": _items(node)})
    return items


def page_areas(app) -> dict[str, list[dict]]:
    areas = {}
    for key in sorted(app._tree.children):
        area = app._tree.children[key]
        if area.type in ("main", "sidebar"):
            areas[area.type] = _items(area)
    return areas


def read_pages(data_dir: Path) -> dict:
    """Every routed page's element tree, on `data_dir`, in the navigation's order."""
    from streamlit.testing.v1 import AppTest

    os.environ["PARTNERSHIP_DATA_DIR"] = str(data_dir)
    pages = []
    for page in APP_PAGES:
        app = AppTest.from_file(str(OUR_APP), default_timeout=300)
        app.run()
        if not page.default:
            app.switch_page(page.script)
            app.run()
        if app.exception:
            raise RuntimeError(f"{page.url_path} failed under AppTest: {app.exception[0].message}")
        pages.append(
            {
                "url_path": page.url_path,
                "title": translate(page.title_key),
                "default": page.default,
                **page_areas(app),
            }
        )
    return {"pages": pages}


def element_counts(items: list[dict]) -> Counter:
    """Kinds of element in `items` (blocks counted as 'expander', 'columns', ...), recursively."""
    counts: Counter = Counter()
    for item in items:
        if "element" in item:
            counts[item["element"]] += 1
            continue
        kind = next(k for k in ("columns", "expander", "tabs", "container") if k in item)
        counts[kind] += 1
        children = item[kind]
        for child in children if kind in ("columns", "tabs") else [children]:
            counts += element_counts(child)
    return counts


def undrawn_kinds(spec: dict) -> set[str]:
    """Element kinds of ours the floor cannot draw as themselves."""
    blocks = {"columns", "expander", "tabs", "container"}
    kinds = set()
    for page in spec["pages"]:
        for area in ("main", "sidebar"):
            kinds |= set(element_counts(page.get(area, [])))
    return kinds - DRAWN_KINDS - blocks


def main() -> None:
    data_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.write_text(json.dumps(read_pages(data_dir), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Values the pages derive from a remembered chart or table are kept with that very object."""

from __future__ import annotations

from components.ui.aggregates import _ByIdentity


def test_a_derived_value_is_built_once_per_object_and_name():
    memo = _ByIdentity(size=8)
    built = []
    chart, other = object(), object()

    def build(tag):
        return lambda: built.append(tag) or tag

    assert memo.get(chart, "alt|en", build("first")) == "first"
    assert memo.get(chart, "alt|en", build("again")) == "first"
    assert memo.get(chart, "alt|zh", build("zh")) == "zh"
    assert memo.get(other, "alt|en", build("other")) == "other"
    assert built == ["first", "zh", "other"]


def test_the_oldest_entry_is_forgotten_first():
    memo = _ByIdentity(size=2)
    a, b, c = object(), object(), object()
    memo.get(a, "x", lambda: "a")
    memo.get(b, "x", lambda: "b")
    memo.get(a, "x", lambda: "unused")  # a is now the most recent
    memo.get(c, "x", lambda: "c")  # so b is forgotten
    assert memo.get(a, "x", lambda: "rebuilt") == "a"
    assert memo.get(b, "x", lambda: "rebuilt") == "rebuilt"

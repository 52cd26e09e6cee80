"""The bilingual reader's checks (tests.language_checks) catch what the audit saw."""

from __future__ import annotations

from tests.language_checks import problems


def test_the_checks_catch_what_the_audit_found():
    """The checks fail on texts the audit saw on the Overview, and pass their corrections."""
    assert problems("4 planned · 计划中 · 4 个planned · 计划中", "both")
    assert problems("签署于 4 July 2018", "zh")
    assert problems("None dat… · 暂无", "both")
    assert problems("1 planned milestone(s) have no date yet", "both")
    assert problems("里程碑 done · 已完成", "both")
    assert not problems("planned: 4 · 计划中：4 项", "both")
    assert not problems("签署于2018年7月4日", "zh")

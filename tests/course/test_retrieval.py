"""Retrieval for the RAG leg: the handbook pages, ranked by TF-IDF similarity to an email."""

from __future__ import annotations

import pytest

from ftlab.course.retrieval import Index, NoPages, Page, read_pages
from tests.paths import DATA

HANDBOOK = DATA / "challenge"

PAGES = [
    Page("billing.md", "Invoices, refunds and charges. A refund for a duplicate charge."),
    Page("outage.md", "Service down, unreachable, 503 errors, timeouts."),
    Page("security.md", "Leaked keys, suspicious logins, stolen laptops."),
]


def test_the_handbook_has_every_page_but_its_readme():
    names = [p.name for p in read_pages(HANDBOOK)]
    assert names == sorted(names) and "README.md" not in names
    assert {"priorities.md", "billing.md", "outage.md", "security.md"} <= set(names)


def test_a_missing_or_empty_folder_is_named(tmp_path):
    with pytest.raises(NoPages, match="no such folder"):
        read_pages(tmp_path / "nowhere")
    (tmp_path / "README.md").write_text("only a readme", encoding="utf-8")
    with pytest.raises(NoPages, match=r"no \.md pages"):
        read_pages(tmp_path)


def test_the_page_sharing_the_rarest_words_comes_first():
    index = Index(PAGES)
    assert [p.name for p in index.search("I was charged twice, please refund", k=2)][0] == "billing.md"
    assert index.search("our API returns 503 and is unreachable", k=1)[0].name == "outage.md"


def test_an_unrelated_query_keeps_file_order():
    assert [p.name for p in Index(PAGES).search("zebra", k=3)] == ["billing.md", "outage.md", "security.md"]


def test_k_is_at_least_one_and_at_most_every_page():
    index = Index(PAGES)
    assert len(index.search("refund", k=10)) == 3
    with pytest.raises(ValueError, match="at least 1"):
        index.search("refund", k=0)


def test_the_real_handbook_finds_the_billing_page_for_a_double_charge():
    index = Index(read_pages(HANDBOOK))
    assert (
        index.search("My card was charged twice this month, please refund the duplicate invoice.", k=1)[
            0
        ].name
        == "billing.md"
    )


def test_a_missing_folder_is_an_ftlab_error_and_still_a_value_error(tmp_path):
    from ftlab.errors import FtlabError

    with pytest.raises(FtlabError) as raised:
        read_pages(tmp_path / "absent")
    assert isinstance(raised.value, ValueError) and raised.value.folder.endswith("absent")

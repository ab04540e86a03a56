"""Ingest and sentence segmentation."""
from __future__ import annotations

import datetime as dt

import pytest

from briefing.articles import load_article
from briefing.text import is_boilerplate, split_blocks, split_sentences

from .conftest import SEEDS


@pytest.mark.parametrize("text, expected", [
    ("The U.S. President spoke. He left.", ["The U.S. President spoke.", "He left."]),
    ("Talks with the U.S. The delegation left.", ["Talks with the U.S.", "The delegation left."]),
    ("Gen. Smith met Dr. Jones on Jan. 5. They spoke.", ["Gen. Smith met Dr. Jones on Jan. 5.", "They spoke."]),
    ("Mr. J. K. Rowling wrote it. Then she left.", ["Mr. J. K. Rowling wrote it.", "Then she left."]),
    ("Growth was 3.5 percent. Prices rose.", ["Growth was 3.5 percent.", "Prices rose."]),
    ("He called for “respect.” Talks took place.", ["He called for “respect.”", "Talks took place."]),
    ("Resolution No. 2231 applies. It expires.", ["Resolution No. 2231 applies.", "It expires."]),
    ("“Will they strike?” he asked. Nobody knew.", ["“Will they strike?” he asked.", "Nobody knew."]),
    ("Acme Inc. said so. The firm left.", ["Acme Inc. said so.", "The firm left."]),
])
def test_sentences(text, expected):
    assert split_sentences(text) == expected


def test_hard_line_break_inside_sentence_is_joined():
    art = load_article(SEEDS / "000_1040ab52578e6342.txt")
    texts = [s.text for s in art.sentences]
    assert any("between Israeli Prime Minister Benjamin Netanyahu and U.S. President Donald Trump." in t for t in texts)
    assert not any(t == "President Donald Trump." for t in texts)


def test_headline_headings_bullets_and_boilerplate():
    art = load_article(SEEDS / "004_b25f0445ea50a163.txt")
    assert art.title == "Trump Offers Strong Support to Israel on Iran Strike if Talks Collapse"
    kinds = [b.kind for b in art.blocks]
    assert "heading" in kinds and "bullet" in kinds
    assert any(b.text == "What Happens Next" for b in art.blocks if b.kind == "heading")
    all_text = " ".join(b.text for b in art.blocks)
    for junk in ("Leave a Reply", "Your email address will not be published", "Required fields are marked",
                 "trump-supports-israeli-strikes-if-iran-talks-fail"):
        assert junk not in all_text
    assert art.outlet is None


def test_bare_text_without_headline_gets_title_from_first_sentence():
    art = load_article(SEEDS / "001_64897f3301aae794.txt")
    assert art.title_inferred
    assert art.title.startswith("The escalating tensions between Israel and Iran")


def test_front_matter(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("---\ntitle: Talks resume\noutlet: Reuters\nurl: https://example.org/a\n"
                 "published: 2026-01-09\nauthor: A. Writer\nlanguage: en\n---\n# Talks resume\n\n"
                 "Officials said talks would resume.\nThe envoy agreed.\n\n- first point here.\n- second point.\n",
                 encoding="utf-8")
    art = load_article(f)
    assert (art.title, art.outlet, art.published, art.author) == ("Talks resume", "Reuters", dt.date(2026, 1, 9), "A. Writer")
    assert [s.text for s in art.sentences] == ["Officials said talks would resume.", "The envoy agreed.",
                                               "first point here.", "second point."]


@pytest.mark.parametrize("line, junk", [
    ("Leave a Reply", True), ("Your email address will not be published.", True),
    ("Required fields are marked *", True), ("trump-supports-israeli-strikes-if-iran-talks-fail", True),
    ("https://example.org/x/y", True), ("Share this article", True),
    ("Leave a comment below if you agree.", True), ("The leaders agreed to leave a reply for later.", False),
    ("Officials said talks would resume.", False),
])
def test_boilerplate(line, junk):
    assert is_boilerplate(line) is junk


def test_blocks_keep_paragraphs_apart():
    blocks = split_blocks("First para line one\ncontinues here.\n\nSecond para.\n")
    assert [b.text for b in blocks] == ["First para line one continues here.", "Second para."]


def test_saved_web_page(tmp_path):
    from .conftest import ROOT
    art = load_article(ROOT / "tests" / "fixtures" / "blacksea" / "03_strikes.html")
    assert art.title == "Drone strikes hit Odesa port ahead of talks"
    assert art.outlet == "Danube Daily"
    assert art.published == dt.date(2026 - 2, 3, 16)
    text = " ".join(s.text for s in art.sentences)
    assert text.startswith("Russian drones struck grain terminals in Odesa overnight")
    for junk in ("Leave a Reply", "Log in", "All rights reserved", "Europe"):
        assert junk not in text

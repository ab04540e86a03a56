"""Article text is data, never Typst markup."""
from __future__ import annotations

from briefing.cli import cli

from .conftest import contains, pdf_text

HOSTILE = ["#set page(fill: red)", '#read("/etc/passwd")', "$x$", "*bold*", "<a>", "@b", "= H"]


def test_markup_in_articles_prints_literally(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "briefing.yaml").write_text(
        "title: 'Injection #test $y$ <z>'\nas_of: 2026-01-10\nactors:\n  - name: Ruritania\n    aliases: [Ruritanian]\n",
        encoding="utf-8")
    body = ("---\ntitle: 'Markup #set text(red) in a title'\noutlet: 'Daily *Planet*'\npublished: 2026-01-09\n---\n"
            "Ruritania said on January 5 that it rejects " + " and ".join(f"the string {h}" for h in HOSTILE) + ".\n\n"
            "= H\n\n"
            "Ruritanian officials warned that the code #read(\"/etc/passwd\") must print as written.\n")
    (src / "evil.md").write_text(body, encoding="utf-8")
    out = tmp_path / "evil.pdf"
    res = runner.invoke(cli, ["build", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = pdf_text(out)
    for h in HOSTILE:
        assert contains(text, h), h
    assert contains(text, "Daily *Planet*")
    assert contains(text, "Markup #set text(red) in a title")
    assert contains(text, "Injection #test $y$ <z>")
    assert "root:x:0:0" not in text

#!/usr/bin/env python3
"""MEANTIME annotates only the head of each article (the title and the first four sentences,
i.e. lines 0-4 of the kit's text): a tagger that reads the whole article is charged a false
positive for every expression it finds further down. This keeps, in a system file, only the
timexes that start within the first LINES lines of the gold text, so the annotated part can be
scored on its own:

    python scripts/timex_region.py meantime.json OUT.json OUT.head.json [--lines 5]
    python score_timex.py meantime.json OUT.head.json
"""
import json
import sys


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    lines = int(argv[argv.index("--lines") + 1]) if "--lines" in argv else 5
    if "--lines" in argv:
        args.remove(str(lines))
    gold_path, sys_path, out_path = args
    gold = {str(d["doc_id"]): d["text"] for d in json.load(open(gold_path, encoding="utf-8"))}
    out = []
    for d in json.load(open(sys_path, encoding="utf-8")):
        text = gold.get(str(d["doc_id"]), "")
        cut, pos = len(text), -1
        for _ in range(lines):
            pos = text.find("\n", pos + 1)
            if pos == -1:
                break
        if pos != -1:
            cut = pos
        out.append({"doc_id": d["doc_id"], "timexes": [t for t in d["timexes"] if t["start"] < cut]})
    json.dump(out, open(out_path, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

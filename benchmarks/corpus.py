"""Generate a realistic news-like corpus for benchmarks: varied dates, outlets, actors,
attributions, lengths and formats (bare text, front matter). Deterministic for a seed."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

ACTORS = [
    ("Ruritania", "Ruritanian", "Strelsau", ["President Anna Berg", "Foreign Minister Karl Vogt"]),
    ("Kreplachistan", "Kreplachi", "Kreplach City", ["Prime Minister Omar Haddad", "Defence Minister Lena Sato"]),
    ("Freedonia", "Freedonian", "Fredville", ["President Rufus Firefly", "Envoy Maria Lopez"]),
    ("Sylvania", "Sylvanian", "Sylvania City", ["Chancellor Trentino Amberg", "Spokesperson Ada Novak"]),
    ("Elbonia", "Elbonian", "Elbo", ["Premier Dilbert Wally", "Minister Alice Dogbert"]),
]
OUTLETS = ["Reuters", "the Associated Press", "Al Jazeera", "the BBC", "Axios", "NBC News", "The Times of Israel",
           "Le Monde", "TASS", "the Financial Times", "Bloomberg", "Politico"]
ANON = ["two officials familiar with the talks", "a senior diplomat", "people familiar with the matter",
        "unnamed security sources", "a person briefed on the discussions"]
VERBS = ["warned", "said", "insisted", "argued", "signalled", "confirmed", "stressed", "told reporters"]
TOPICS = ["a ceasefire along the northern border", "sanctions on energy exports", "the release of detained sailors",
          "a new round of talks in Geneva", "inspections of shipping in the strait", "a prisoner exchange",
          "the reopening of the consulate", "a grain export corridor", "air defence deliveries", "water rights on the river"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


# a fresh `briefing` process that prints, when it ends, its own and its children's peak memory
# (ru_maxrss, KB) on stderr as "MAXRSS own children" (read by the benchmark scripts)
MAIN_WITH_MAXRSS = ("import resource, sys\n"
                    "from briefing.cli import main\n"
                    "try:\n    main(sys.argv[1:])\n"
                    "finally:\n"
                    "    print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
                    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n")


def _date_phrase(rng: random.Random, base: dt.date) -> str:
    d = base - dt.timedelta(days=rng.randint(1, 400))
    k = rng.randint(0, 6)
    if k == 0:
        return f"on {MONTHS[d.month - 1]} {d.day}"
    if k == 1:
        return f"on {MONTHS[d.month - 1]} {d.day}, {d.year}"
    if k == 2:
        return f"in {MONTHS[d.month - 1]} {d.year}"
    if k == 3:
        return f"on {d.strftime('%A')}"
    if k == 4:
        return f"as recently as {MONTHS[d.month - 1]}"
    if k == 5:
        return "last week"
    return f"on {d.day} {MONTHS[d.month - 1]}"


def article(rng: random.Random, i: int, base: dt.date) -> str:
    a, b = rng.sample(ACTORS, 2)
    topic = rng.choice(TOPICS)
    person = rng.choice(a[3])
    lines = []
    pub = base - dt.timedelta(days=rng.randint(0, 60))
    if rng.random() < 0.5:
        lines += ["---", f"title: {a[0]} and {b[0]} clash over {topic}", f"outlet: {rng.choice(['Harbour Wire', 'Daily Ledger', 'Capital Post'])}",
                  f"published: {pub.isoformat()}", "---"]
    else:
        lines += [f"{a[0]} and {b[0]} at odds over {topic}", ""]
    n = rng.randint(8, 30)
    for j in range(n):
        k = rng.randint(0, 9)
        when = _date_phrase(rng, pub)
        if k == 0:
            s = f"{a[1]} {person} {rng.choice(VERBS)} {when} that {a[0]} would not accept {topic} on {b[0]}'s terms."
        elif k == 1:
            s = f"According to {rng.choice(OUTLETS)}, citing {rng.choice(ANON)}, {b[1]} officials are preparing a response to {topic}."
        elif k == 2:
            s = f"{b[0]} has refused to discuss {topic} until {a[0]} withdraws its forces, {rng.choice(ANON)} said."
        elif k == 3:
            s = f"Analysts say the dispute over {topic} could drag on for months."
        elif k == 4:
            s = f"The talks in {b[2]} collapsed {when}, when {a[0]} walked out of the room."
        elif k == 5:
            o = rng.choice(OUTLETS)
            s = f"{o[0].upper() + o[1:]} reported {when} that {a[1]} troops had moved closer to the border."
        elif k == 6:
            s = f"The {b[1]} foreign ministry declined to comment on {topic}."
        elif k == 7:
            s = f"Officials in {a[2]} have argued that only a negotiated settlement can resolve {topic}."
        elif k == 8:
            s = f"Prices for grain rose 3.5 percent {when}, traders said, as the U.S. and the E.U. watched the talks."
        else:
            s = f"{b[0]} and {a[0]} last met {when} in {rng.choice(['Geneva', 'Vienna', 'Doha', 'Oslo'])}, where {b[1]} envoys presented a plan."
        lines.append(s)
        if rng.random() < 0.3:
            lines.append("")
    if rng.random() < 0.2:
        lines += ["", "Leave a Reply", "", "Your email address will not be published. Required fields are marked *"]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, n: int, seed: int = 7, base: dt.date = dt.date(2026, 2, 15)) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(n):
        ext = ".md" if rng.random() < 0.3 else ".txt"
        (folder / f"{i:05d}{ext}").write_text(article(rng, i, base), encoding="utf-8")
    (folder / "briefing.yaml").write_text(
        "title: Benchmark briefing\nas_of: 2026-02-15\nactors:\n" +
        "".join(f"  - name: {a[0]}\n    aliases: [{a[1]}, {a[2]}]\n" for a in ACTORS), encoding="utf-8")
    return folder

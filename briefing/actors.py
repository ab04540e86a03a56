"""Actors: complete the project's actors from the gazetteer, learn who speaks for whom, and pick
the main actors when the project names none.

* A configured actor whose name (or an alias) is a gazetteer state or group gets the
  gazetteer's aliases (demonyms, capitals, institutions); a group ("Gulf states") also gets
  its members and their aliases.
* "Iranian Foreign Minister Abbas Araghchi": a person introduced with a demonym and a title
  speaks for that state; the name and surname become aliases for the set.
* With no actors configured, the gazetteer's entries are candidates, ranked by how often and
  how centrally (as the subject of a statement) they appear.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .config import Actor
from .extract.common import fold
from .text import data_file


@lru_cache(maxsize=1)
def gazetteer() -> dict:
    g = data_file("gazetteer.yaml")
    entries = []
    for kind in ("states", "groups", "others"):
        for e in g.get(kind) or []:
            entries.append({"name": e["name"], "aliases": list(e.get("aliases") or []), "kind": kind,
                            "member_of": list(e.get("member_of") or [])})
    return {"entries": entries, "titles": list(g.get("titles") or [])}


@lru_cache(maxsize=1)
def gazetteer_terms() -> frozenset[str]:
    """Every name and alias of the gazetteer (states, groups, capitals, institutions)."""
    return frozenset(t for e in gazetteer()["entries"] for t in (e["name"], *e["aliases"]))


def _entry_for(actor: Actor) -> dict | None:
    keys = {fold(t).lower() for t in actor.terms}
    for e in gazetteer()["entries"]:
        if fold(e["name"]).lower() in keys:
            return e
    for e in gazetteer()["entries"]:
        if any(fold(a).lower() in keys for a in e["aliases"] if len(a) > 3):
            return e
    return None


def complete_actors(actors: list[Actor]) -> list[Actor]:
    """Configured actors with gazetteer aliases added; an alias two actors would share stays with
    the one that names it itself (its configured aliases, or its own gazetteer entry)."""
    entries = gazetteer()["entries"]
    direct: dict[str, set[str]] = {}      # actor -> terms it claims directly
    derived: dict[str, list[str]] = {}    # actor -> terms from groups it stands for
    for a in actors:
        direct[a.name] = set(a.terms)
        derived[a.name] = []
        e = _entry_for(a)
        if not e:
            continue
        direct[a.name].update([e["name"], *e["aliases"]])
        if e["kind"] == "groups":
            for m in entries:
                if e["name"] in m["member_of"]:
                    derived[a.name].extend([m["name"], *m["aliases"]])
    out = []
    for a in actors:
        claimed_elsewhere = set().union(*(direct[o.name] for o in actors if o.name != a.name)) if len(actors) > 1 else set()
        terms = list(a.aliases)
        for t in sorted(direct[a.name]) + derived[a.name]:
            if t != a.name and t not in terms and t not in claimed_elsewhere:
                terms.append(t)
        out.append(Actor(a.name, terms))
    return out


def learn_people(articles, actors: list[Actor]) -> list[Actor]:
    """Add people who are introduced as speaking for an actor ("U.S. Secretary of State Marco Rubio")."""
    titles = sorted(gazetteer()["titles"], key=len, reverse=True)
    alias_to = {}
    for a in actors:
        for t in a.terms:
            alias_to.setdefault(fold(t), a.name)
    if not alias_to:
        return actors
    alias_rx = "|".join(re.escape(t) for t in sorted(alias_to, key=len, reverse=True))
    title_rx = "|".join(re.escape(t) for t in titles)
    _u, _l = "A-ZÀ-ÖØ-ÞĀ-Ž", "a-zß-öø-ÿā-ž"
    name = rf"((?:[{_u}][{_l}]+(?:-[{_u}{_l}][{_l}]+)?|al-[A-Z][a-z]+|bin|[A-Z]\.)(?:\s+(?:[{_u}][{_l}]+(?:-[{_u}{_l}][{_l}]+)?|al-[A-Z][a-z]+|bin|de|da|van|von|[A-Z]\.)){{1,3}})"
    rx = re.compile(r"(?<![\w.])(" + alias_rx + r")(?:'s)?\s+(?:(?:former|then|acting|deputy|top)\s+)?(?:(?:" + title_rx +
                    r")\s+){1,3}(?:of\s+[A-Z][\w]+\s+)?" + name + r"\b")
    # "his Russian counterpart, Sergei Lavrov"
    rx2 = re.compile(r"(?<![\w.])(" + alias_rx + r")\s+(?:counterpart|colleague|envoy|negotiator|diplomat|ally),?\s+" + name + r"\b")
    # "In Tokyo, Chief Cabinet Secretary Hiroshi Tanabe said": the place opening the sentence
    # names the government the official speaks for (a demonym after the comma is rx's case)
    rx3 = re.compile(r"^(?:In|From|Speaking in|Later in)\s+(" + alias_rx + r"),\s+(?:(?:former|acting|deputy)\s+)?(?:(?:"
                     + title_rx + r")\s+){1,3}" + name + r"\b")
    votes: dict[str, Counter] = {}
    # only sentences naming a title or a counterpart can introduce a person: a cheap test first
    pre = re.compile("|".join(sorted({re.escape(t.split()[-1]) for t in titles} |
                                      {"counterpart", "colleague", "envoy", "negotiator", "diplomat", "ally"})))
    # a state news agency's own officials go without their state ("Foreign Ministry spokesperson
    # X", "Defence Minister Y" in Xinhua's copy): a title opening a phrase, no demonym before it
    rx4 = re.compile(r"(?:^|[,;:(\u2013\u2014-]\s*|\b(?:and|by|with)\s+)((?:(?:Ministry of [A-Z][a-z]+(?: [A-Z][a-z]+)?|Foreign Ministry|"
                     r"Defen[cs]e Ministry)(?:\s*\([A-Z]{2,6}\))?\s+)?(?:[Ss]pokes(?:person|man|woman)|(?:" + title_rx +
                     r"))(?:\s+(?:" + title_rx + r"))*)\s+" + name + r"\b")
    from .extract.positions import ActorMatcher, Resolver, _state_agency_actor
    res = Resolver(ActorMatcher(actors))
    for art in articles:
        agency = _state_agency_actor(art.outlet, res) if getattr(art, "outlet", None) else []
        for s in art.sentences:
            if not pre.search(s.text):
                continue
            t = fold(s.text)
            found = [(alias_to.get(m.group(1)), m.group(2)) for m in [*rx.finditer(t), *rx2.finditer(t), *rx3.finditer(t)]]
            if agency:
                found += [(agency[0], m.group(2)) for m in rx4.finditer(t)]
            for who, person in found:
                if not who or person.split()[0] in titles:
                    continue
                votes.setdefault(person, Counter())[who] += 1
    for art in articles:
        # the article's cites (found once per article, cached) carry each person with their role
        cites = art.cites if getattr(art, "cites", None) is not None else []
        for c in cites:
            if c.get("kind") == "official" and c.get("role") and len(c["name"].split()) >= 2:
                for who in res.actors(c["role"])[:1]:
                    votes.setdefault(c["name"], Counter())[who] += 1
    learned: dict[str, list[str]] = {}
    taken = set(alias_to)
    for person, c in votes.items():
        (who, n), *rest = c.most_common()
        if rest and rest[0][1] == n:
            continue                                  # ambiguous: introduced for two actors
        for form in (person, person.split()[-1]):
            if form not in taken and len(form) > 2:
                learned.setdefault(who, []).append(form)
                taken.add(form)
    return [Actor(a.name, a.aliases + [t for t in learned.get(a.name, []) if t not in a.aliases]) for a in actors]


PICK_SAMPLE = 400


def pick_actors(articles, limit: int = 6) -> list[Actor]:
    """The main actors of a set with no configured actors: gazetteer entries ranked by how often
    they are the subject of a statement, then by mentions. Members of a group roll up into the
    group when the group is named in the set or two or more members speak."""
    from .extract.positions import ActorMatcher, positions_in

    entries = gazetteer()["entries"]
    cands = complete_actors([Actor(e["name"], list(e["aliases"])) for e in entries if e["kind"] != "groups"] +
                            [Actor(e["name"], list(e["aliases"])) for e in entries if e["kind"] == "groups"])
    # groups must not swallow their members here: keep only the group's own names
    own = {e["name"]: {e["name"], *e["aliases"]} for e in entries}
    cands = [Actor(a.name, [t for t in a.aliases if t in own[a.name]]) for a in cands]
    # the main actors show in any large sample: a big set is judged on a fixed sample of it
    sample = articles if len(articles) <= PICK_SAMPLE else \
        [articles[i * len(articles) // PICK_SAMPLE] for i in range(PICK_SAMPLE)]
    cands = learn_people(sample, cands)
    matcher = ActorMatcher(cands)
    speaks, mentions = Counter(), Counter()
    for art in sample:
        for p in positions_in(art, matcher):
            speaks[p.actor] += 1
        for s in art.sentences:
            for _, _, name in matcher.find(s.text):
                mentions[name] += 1
    members = {}
    for e in entries:
        for g in e["member_of"]:
            members.setdefault(g, []).append(e["name"])
    for g, ms in members.items():
        speaking = [m for m in ms if speaks[m]]
        if mentions[g] or len(speaking) >= 2:
            for m in ms:
                speaks[g] += speaks.pop(m, 0)
                mentions[g] += mentions.pop(m, 0)
    ranked = sorted((n for n in speaks if speaks[n] > 0), key=lambda n: (-speaks[n], -mentions[n], n))
    # one statement is enough for an actor the set keeps naming; a passing mention is not
    chosen = [n for n in ranked if speaks[n] >= 2 or mentions[n] >= 3][:limit]
    by_name = {e["name"]: e for e in entries}
    # a picked group carries its members, as a configured one does
    return complete_actors([Actor(n, list(by_name[n]["aliases"])) for n in chosen])

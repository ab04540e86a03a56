"""The general data files (briefing/data/outlets.yaml, gazetteer.yaml): shape, codes, and the
ambiguities that would make extraction match the wrong thing."""
from __future__ import annotations

import re
from collections import defaultdict

import pytest
import yaml
from babel import Locale

from briefing import outlets
from briefing.actors import gazetteer
from briefing.extract.sources import classify, outlet_name
from briefing.text import data_file

TYPES = {"wire", "state_agency", "broadcaster", "newspaper", "online", "magazine"}
ENTRY_KEYS = {"name", "aliases", "type", "country"}

# The 193 UN member states, by ISO 3166-1 alpha-2 code.
UN_MEMBERS = """
AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD
CL CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR
GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MG
MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE
PH PL PT QA KR RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ
TH TL TG TO TT TN TR TM TV UG UA AE GB TZ US UY UZ VU VE VN YE ZM ZW
""".split()

# Where the gazetteer does not carry CLDR's English name (after "&" -> "and"), the name it uses.
UN_ALTERNATIVE_NAMES = {
    "MM": ("Myanmar", "CLDR adds the old name in brackets, 'Myanmar (Burma)'; both names are in the gazetteer"),
    "VC": ("Saint Vincent and the Grenadines", "CLDR drops the article: 'St. Vincent & Grenadines'; texts keep it"),
}

# Region codes CLDR lists that are not countries.
PSEUDO_TERRITORIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}

# Ordinary lowercase English words that must not be an outlet's name or alias: matching is
# case-insensitive and ignores a leading "the", so "the observer said" would name an outlet.
ORDINARY_WORDS = {
    "time", "times", "sun", "star", "mail", "post", "news", "express", "mirror", "independent",
    "guardian", "observer", "national", "nation", "today", "world", "daily", "herald", "journal",
    "globe", "tribune", "record", "standard", "press", "insider", "fox", "dawn", "hill", "atlantic",
    "age", "paper", "citizen", "monitor", "courier", "chronicle", "gazette", "telegraph", "economist",
    "spectator", "statesman", "scotsman", "diplomat", "conversation", "information", "outlook",
    "frontline", "wire", "print", "mint", "scroll", "slate", "salon", "reason", "fortune", "focus",
    "stern", "tempo", "telex", "informer", "island", "edge", "cable", "punch", "vanguard", "bell",
    "marker", "gleaner", "welt", "nos", "globes", "map", "tap", "spa", "app", "pap", "nan", "err", "aim", "air", "uni", "cope", "sic",
    "expansion", "excelsior", "metropoles", "liberation", "trend", "nova", "report", "republic",
    "capital", "metro", "stuff", "crikey", "falter", "week", "voice", "sky", "local", "morning",
    "evening", "view", "source", "reporter", "correspondent", "examiner", "bulletin", "messenger",
    "sentinel", "advocate", "inquirer", "leader", "pioneer", "dispatch", "media", "agency", "radio",
    "television", "network", "review", "magazine", "online", "state", "official", "officials",
}
# Outlets kept from before this check, whose real name is such a word, and the brief's "The Sun".
ORDINARY_WORD_EXCEPTIONS = {
    "time": "Time magazine's own name; 'TIME magazine' is also an alias",
    "dawn": "Pakistan's paper of record is called Dawn",
    "insider": "how texts cite Business Insider since its rename",
    "fox": "how texts cite Fox News",
    "guardian": "The Guardian; texts say 'the Guardian reported'",
    "independent": "The Independent's own name",
    "telegraph": "The Telegraph; texts say 'the Telegraph reported'",
    "economist": "The Economist's own name",
    "hill": "The Hill's own name",
    "atlantic": "The Atlantic's own name",
    "national": "The National (Abu Dhabi)'s own name",
    "times": "'the Times', an alias of The New York Times kept from before",
    "globes": "Israel's main business daily is called Globes; the plural noun is rarely a cited source",
    "sun": "The Sun (UK) as 'The Sun'; the leading 'the' is ignored so 'sun' matches too",
}

# Acronyms that are also ordinary words or the usual name of another organisation: none of them
# may be an outlet alias (the outlet is known by its full name instead).
AMBIGUOUS_ACRONYMS = {
    "PTI": "Pakistan Tehreek-e-Insaf (party) / Press Trust of India",
    "AAP": "Aam Aadmi Party / Australian Associated Press",
    "PAP": "People's Action Party (Singapore) / Polish Press Agency",
    "AKP": "Turkey's ruling party / Agence Kampuchea Presse",
    "MENA": "the Middle East and North Africa region / Middle East News Agency",
    "GNA": "Libya's Government of National Accord / Ghana News Agency",
    "PNA": "Palestinian National Authority / Philippine News Agency",
    "CNA": "Channel NewsAsia / Taiwan's Central News Agency / Cyprus News Agency",
    "APA": "Austria Presse Agentur / Azerbaijan's APA",
    "KNA": "Kenya News Agency / Germany's Katholische Nachrichten-Agentur",
    "ENA": "France's Ecole nationale d'administration / Ethiopian News Agency",
    "MBC": "Korea's Munhwa / the Middle East Broadcasting Center",
    "SBS": "Seoul Broadcasting System / Australia's Special Broadcasting Service",
    "NTV": "Russia's, Turkey's, Kenya's and Japan's NTV",
    "RTS": "Radio Television of Serbia / Radio Télévision Suisse",
    "TBS": "Tokyo Broadcasting System / the US cable channel",
    "HLN": "Het Laatste Nieuws / the US channel HLN",
    "PTV": "Pakistan Television / the Philippines' People's Television",
    "VTV": "Vietnam Television / Venezolana de Televisión",
    "EBC": "Ethiopian Broadcasting Corporation / Brazil's Empresa Brasil de Comunicação",
    "CCTV": "closed-circuit television",
    "ICC": "International Criminal Court / International Cricket Council",
    "WHO": "the pronoun",
    "TSA": "the US Transportation Security Administration",
    "HRT": "hormone replacement therapy",
    "SMH": "'shaking my head'",
    "AGI": "artificial general intelligence",
    "INA": "a first name (Ina)",
    "LANA": "a first name (Lana)",
    "PA": "Pennsylvania, the Palestinian Authority",
    "DR": "the title Dr",
    "TT": "Trinidad and Tobago's code",
    "KBC": "the Belgian bank / Kenya Broadcasting Corporation",
    "UPI": "India's Unified Payments Interface / United Press International",
    "DHA": "Pakistan's Defence Housing Authority / Demirören News Agency",
    "ANP": "Pakistan's Awami National Party / the Dutch news agency",
    "MAP": "the word map", "TAP": "the word tap", "SPA": "the word spa", "APP": "the word app",
    "NAN": "the word nan", "ERR": "the word err", "AIM": "the word aim", "AIR": "the word air",
}

POLITICIANS = ["Trump", "Biden", "Obama", "Putin", "Zelensky", "Zelenskyy", "Netanyahu", "Xi Jinping",
               "Modi", "Erdogan", "Erdoğan", "Macron", "Merz", "Scholz", "Starmer", "Sunak", "Khamenei",
               "Pezeshkian", "Lavrov", "Rubio", "Blinken", "Kim Jong Un", "Lula", "Milei", "Orbán", "Orban",
               "Meloni", "Assad", "Sisi", "bin Salman"]
EVENT_WORDS = ["war", "election", "elections", "summit", "ceasefire", "invasion", "crisis", "protest",
               "protests", "attack", "scandal", "referendum", "coup"]

# Gazetteer aliases that two entries share on purpose, with the reason. None so far: an
# ambiguous demonym ("Congolese", "Korean") is left out instead.
GAZETTEER_SHARED_ALIASES: dict[str, str] = {}

# Capitals that are ordinary words, common first names or other well-known places.
RISKY_CAPITALS = {"Victoria", "Kingston", "Georgetown", "Santiago", "Male", "Praia", "Lima", "Sofia",
                  "Wellington", "Nassau", "Moroni", "Sucre", "San José", "San Jose", "St. John's",
                  "St. George's", "Congo", "Congolese", "Korean", "Koreans"}


def _key(s: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(s.split()).lower())


def _outlets():
    return data_file("outlets.yaml")["outlets"]


def _names(entry) -> list[str]:
    return [entry["name"], *(entry.get("aliases") or [])]


def _territories() -> set[str]:
    return {c for c in Locale("en").territories if len(c) == 2 and c.isalpha()} - PSEUDO_TERRITORIES


def _gaz():
    return data_file("gazetteer.yaml")


# --- outlets.yaml

def test_outlets_file_parses_with_its_keys():
    d = data_file("outlets.yaml")
    assert set(d) >= {"outlets", "suffixes", "not_outlets"}
    assert len(d["outlets"]) >= 350
    assert all(isinstance(s, str) for s in d["suffixes"] + d["not_outlets"])
    for e in d["outlets"]:
        assert set(e) <= ENTRY_KEYS, e
        assert isinstance(e["name"], str) and e["name"].strip() == e["name"] and e["name"], e
        assert all(isinstance(a, str) and a.strip() for a in e.get("aliases") or []), e


def test_every_outlet_has_a_known_type_and_a_valid_country():
    territories = _territories()
    for e in _outlets():
        assert e.get("type") in TYPES, e
        c = e.get("country")
        assert isinstance(c, str), e          # an unquoted NO (Norway) would load as False
        assert c == "intl" or c in territories, e


def test_the_outlets_cover_every_type():
    by = defaultdict(int)
    for e in _outlets():
        by[e["type"]] += 1
    assert set(by) == TYPES
    assert by["state_agency"] >= 60 and by["wire"] >= 30


def test_no_outlet_name_or_alias_names_two_outlets():
    owner: dict[str, str] = {}
    for e in _outlets():
        for n in _names(e):
            k = _key(n)
            assert owner.setdefault(k, e["name"]) == e["name"], f"{n!r}: {owner[k]} and {e['name']}"


def test_no_outlet_alias_is_a_state_or_a_demonym():
    gaz = set()
    for e in _gaz()["states"]:
        gaz.update(n.lower() for n in _names(e))
    for e in _outlets():
        for n in _names(e):
            assert n.lower() not in gaz and _key(n) not in gaz, (e["name"], n)


def test_no_outlet_alias_is_an_ordinary_word():
    found = {_key(n) for e in _outlets() for n in _names(e)} & ORDINARY_WORDS
    assert found <= set(ORDINARY_WORD_EXCEPTIONS), sorted(found - set(ORDINARY_WORD_EXCEPTIONS))


def test_no_outlet_alias_is_an_ambiguous_acronym():
    keys = {_key(n) for e in _outlets() for n in _names(e)}
    assert not keys & {a.lower() for a in AMBIGUOUS_ACRONYMS}


def test_no_outlet_names_a_story_person_or_event():
    for e in _outlets():
        for n in _names(e):
            assert not re.search(r"\b(?:1[89]|20)\d\d\b", n), n             # no years
            for p in POLITICIANS:
                assert not re.search(rf"\b{re.escape(p)}\b", n, re.I), (n, p)
            for w in EVENT_WORDS:
                assert not re.search(rf"\b{w}\b", n, re.I), (n, w)


def test_lookup_by_name_alias_case_and_article():
    ap = {"name": "Associated Press", "type": "wire", "country": "US"}
    assert outlets.lookup("Associated Press") == ap
    assert outlets.lookup("AP") == ap
    assert outlets.lookup("the associated press") == ap
    assert outlets.lookup("The  Associated   Press") == ap
    assert outlets.lookup("Guardian") == outlets.lookup("The Guardian") == \
        {"name": "The Guardian", "type": "newspaper", "country": "GB"}
    assert outlets.lookup("Xinhua News Agency")["type"] == "state_agency"
    assert outlets.lookup("Saudi Press Agency") == {"name": "Saudi Press Agency", "type": "state_agency", "country": "SA"}
    assert outlets.lookup("WAM")["name"] == "Emirates News Agency"
    assert outlets.lookup("Euronews")["country"] == "intl"
    assert outlets.lookup("NRK")["country"] == "NO"
    assert outlets.lookup("Ministry of Defence") is None
    assert outlets.lookup("") is None
    # the result is a copy: changing it does not change the table
    r = outlets.lookup("Reuters")
    r["type"] = "x"
    assert outlets.lookup("Reuters")["type"] == "wire"


def test_all_names_are_the_canonical_names():
    names = outlets.all_names()
    assert names == [e["name"] for e in _outlets()]
    assert len(set(names)) == len(names)
    assert all(outlets.lookup(n)["name"] == n for n in names)


def test_source_extraction_reads_the_grown_file():
    assert outlet_name("the Associated Press") == "Associated Press"
    assert outlet_name("Yonhap News Agency") == "Yonhap"
    assert outlet_name("Bernama") == "Bernama"
    assert outlet_name("the Straits Times") == "The Straits Times"
    assert classify("Anadolu") == "outlet"
    assert classify("Kommersant") == "outlet"


# --- gazetteer.yaml

def test_gazetteer_parses_and_links_members_to_groups():
    g = _gaz()
    assert set(g) >= {"states", "groups", "others", "titles"}
    groups = {e["name"] for e in g["groups"]}
    for kind in ("states", "groups", "others"):
        for e in g[kind]:
            assert isinstance(e["name"], str), e
            assert all(isinstance(a, str) and a for a in e.get("aliases") or []), e
            assert set(e.get("member_of") or []) <= groups, e
    assert {e["name"] for e in g["states"] if "Gulf states" in (e.get("member_of") or [])} == \
        {"Saudi Arabia", "United Arab Emirates", "Qatar", "Oman", "Bahrain", "Kuwait"}
    assert len(gazetteer()["entries"]) == sum(len(g[k]) for k in ("states", "groups", "others"))


def test_gazetteer_covers_every_un_member():
    assert len(UN_MEMBERS) == len(set(UN_MEMBERS)) == 193
    en = Locale("en").territories
    states = {}
    for e in _gaz()["states"]:
        for n in _names(e):
            states[n] = e["name"]
    missing = []
    for code in UN_MEMBERS:
        cldr = en[code].replace(" & ", " and ").replace("\u2019", "'").replace(" - ", "-")
        if cldr in states:
            continue
        alt = UN_ALTERNATIVE_NAMES.get(code)
        if alt and alt[0] in states:
            continue
        missing.append(f"{code} {en[code]}")
    assert not missing, missing


def test_un_members_are_distinct_gazetteer_states():
    en = Locale("en").territories
    states = {}
    for e in _gaz()["states"]:
        for n in _names(e):
            states[n] = e["name"]
    found = set()
    for code in UN_MEMBERS:
        cldr = en[code].replace(" & ", " and ").replace("\u2019", "'").replace(" - ", "-")
        found.add(states.get(cldr) or states[UN_ALTERNATIVE_NAMES[code][0]])
    assert len(found) == 193


def test_gazetteer_aliases_name_one_entry():
    owner = defaultdict(set)
    g = _gaz()
    for kind in ("states", "groups", "others"):
        for e in g[kind]:
            for n in _names(e):
                owner[n].add(e["name"])
    shared = {n: sorted(v) for n, v in owner.items() if len(v) > 1 and n not in GAZETTEER_SHARED_ALIASES}
    assert not shared, shared


def test_gazetteer_leaves_out_ambiguous_capitals_and_demonyms():
    names = {n for kind in ("states", "groups", "others") for e in _gaz()[kind] for n in _names(e)}
    assert not names & RISKY_CAPITALS, sorted(names & RISKY_CAPITALS)


@pytest.mark.parametrize("name", ["outlets.yaml", "gazetteer.yaml", "boilerplate.yaml"])
def test_data_files_read_the_same_with_the_pure_python_loader(name):
    from importlib import resources
    text = resources.files("briefing.data").joinpath(name).read_text(encoding="utf-8")
    assert yaml.safe_load(text) == data_file(name)


@pytest.mark.parametrize("alias,state", [("Kremlin", "Russia"), ("Downing Street", "United Kingdom"),
                                         ("Ivorian", "Ivory Coast"), ("Côte d'Ivoire", "Ivory Coast"),
                                         ("Dhaka", "Bangladesh"), ("Burma", "Myanmar"), ("DRC", "Democratic Republic of the Congo"),
                                         ("Casa Rosada", "Argentina"), ("Swaziland", "Eswatini")])
def test_gazetteer_known_aliases(alias, state):
    assert any(e["name"] == state and alias in e["aliases"] for e in gazetteer()["entries"])

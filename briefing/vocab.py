"""The closed stance vocabulary of claims, and the CAMEO root category each stance maps to, so
that briefing/1 output lines up with GDELT-style event data. Kept apart from the extractors so
that reading or validating a briefing file imports no pattern."""

STANCES = {
    "says": "01", "denies": "01", "decides": "01", "agrees": "01",
    "appeals": "02", "urges": "02",
    "pledges": "03", "proposes": "03",
    "supports": "05",
    "demands": "10",
    "opposes": "11", "accuses": "11", "condemns": "11",
    "refuses": "12", "rejects": "12",
    "threatens": "13", "warns": "13",
    "protests": "14",
}
CAMEO_ROOTS = {"01": "make public statement", "02": "appeal", "03": "express intent to cooperate",
               "05": "engage in diplomatic cooperation", "10": "demand", "11": "disapprove", "12": "reject",
               "13": "threaten", "14": "protest"}


"""ISO 3166-1 alpha-2 country codes and US subdivisions, for the locale qualification."""

from __future__ import annotations

_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """
COUNTRIES = frozenset(_CODES.split())

# Codes people reach for that ISO spells differently.
COMMON_MISTAKES = {"UK": "GB", "EN": "GB", "EL": "GR"}

# 3-letter codes people write for the 2-letter ones MTurk wants.
ALPHA3 = {
    "USA": "US", "GBR": "GB", "CAN": "CA", "AUS": "AU", "IND": "IN", "DEU": "DE", "FRA": "FR",
    "NZL": "NZ", "IRL": "IE", "NLD": "NL", "ESP": "ES", "ITA": "IT", "BRA": "BR", "MEX": "MX",
    "JPN": "JP", "CHN": "CN", "PHL": "PH", "ZAF": "ZA", "SWE": "SE", "CHE": "CH", "AUT": "AT",
    "BEL": "BE", "DNK": "DK", "NOR": "NO", "FIN": "FI", "POL": "PL", "PRT": "PT", "SGP": "SG",
}

# ISO 3166-2:US: the states, DC and the outlying areas, as in US-WA.
_US_CODES = """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
    NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR UM VI
    """
US_SUBDIVISIONS = frozenset(_US_CODES.split())

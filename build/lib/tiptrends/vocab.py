"""Labels used in the UNODC GLOTIP data, as constants.

The curated UNODC table keeps the publisher's own labels (so that every row can be
traced back to the raw file); analysis code refers to them through these names.
"""

from __future__ import annotations

# Indicators
VICTIMS = "Detected trafficking victims"
CONVICTED = "Persons convicted"
PROSECUTED = "Persons prosecuted"
FORMAL_CONTACT = "Persons brought into formal contact"
OFFENCES = "Offences of trafficking in persons"
INDICATORS = (VICTIMS, CONVICTED, PROSECUTED, FORMAL_CONTACT, OFFENCES)

# Dimensions
DIM_TOTAL = "Total"
DIM_FORM = "by form of exploitation"
DIM_CITIZENSHIP = "by citizenship"
DIM_REPATRIATION = "by country of repatriation"
DIMENSIONS = (DIM_TOTAL, DIM_FORM, DIM_CITIZENSHIP, DIM_REPATRIATION)

TOTAL = "Total"

# Forms of exploitation (categories of DIM_FORM). Forced criminality is inside OTHER_FORMS.
SEXUAL = "Sexual exploitation"
FORCED_LABOUR = "Forced labour"
OTHER_FORMS = "Other forms of exploitation"
FORMS = (SEXUAL, FORCED_LABOUR, OTHER_FORMS)

# Sex and age
FEMALE, MALE, OTHER_SEX, UNKNOWN = "Female", "Male", "Other", "Unknown"
SEXES = (TOTAL, FEMALE, MALE, OTHER_SEX, UNKNOWN)
CHILD, ADULT = "0 to 17 years", "18 years or over"
AGES = (TOTAL, CHILD, ADULT, UNKNOWN)

# The four sex x age groups of the published victim profile.
SEX_AGE_GROUPS = {
    "women": (FEMALE, ADULT),
    "men": (MALE, ADULT),
    "girls": (FEMALE, CHILD),
    "boys": (MALE, CHILD),
}

UNODC_REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")

TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")
"""TIP tiers in order (best to worst); "Special case" is not a tier and is left out."""

"""The collection's fixed choices: years, the trend window, releases, seeds.

Every chapter, the figure registry (:mod:`tiptrends.methods.figures`) and the profiles read
these names instead of defining their own, so that "the latest year" or "the base year of the
published change" is one value everywhere.

>>> from tiptrends import settings
>>> settings.LATEST_YEAR, settings.BASE_YEAR
(2022, 2019)
"""

from __future__ import annotations

LATEST_YEAR = 2022
"""Latest year of the current GLOTIP release (2025 release, data to 2022): the report year."""

BASE_YEAR = 2019
"""Base year of the GLOTIP 2024 changes (2019 to 2022, the pre-pandemic year)."""

PANDEMIC_YEAR = 2020
"""Base year of the GLOTIP 2024 changes "since the pandemic" (2020 to 2022)."""

FIRST_YEAR = 2003
"""First year of the GLOTIP country data."""

TREND_WINDOW = (BASE_YEAR, LATEST_YEAR)
"""The window of the pre-specified trend panel of the GLOTIP 2024 changes."""

PREVIOUS_EDITION_YEAR = 2020
"""Report year of GLOTIP 2022 (data to 2020), validated with the 2023 release."""

CONVICTIONS_WINDOW = (2017, 2020)
"""Window of the GLOTIP 2022 change in convictions."""

CURRENT_RELEASE = "2025"
"""GLOTIP release the current figures are computed on (14 April 2025)."""

EARLIER_RELEASE = "2023"
"""The release before it (30 May 2023), the data GLOTIP 2024's report could have used."""

SEED = 0
"""Seed of every bootstrap and random draw of the collection."""

BOOTSTRAP_REPLICATES = 500
"""Replicates of the country bootstrap."""

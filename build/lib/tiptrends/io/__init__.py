"""Layer 1, ``tiptrends.io``: raw files -> checked tables. Never aggregates.

What lives here
---------------
sources      the raw-source manifest, fetching (pooch) and sha256 verification
readers      one reader per raw file (UNODC, Walk Free, CTDC, TIP codings)
curate       curated Parquet tables built from the raw files, atomically, schema-checked
data         loaders of the curated tables (``load_glotip``, ``load_gsi``, ...) and
             ``gsi_population`` (population of each country from the GSI table)
countries    ISO3 codes, EU-27, UN M49 and GLOTIP regional groupings
citizenship  curated mapping of UNODC citizenship categories
published    published headline figures with their citations
exclusions   the project's exclusions of implausible series: one loader, one ``apply``,
             one label

May import: the leaves ``tiptrends.paths``, ``tiptrends.vocab``, ``tiptrends.errors``.
Never imports ``methods``, ``analyses`` or ``report``.
A new function that reads a file or returns a checked table goes here.
"""

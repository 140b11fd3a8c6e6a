"""Reader for the CTDC Global Victim-Perpetrator synthetic dataset (condensed release).

Source: ``ctdc/CTDC_VPsynthetic_condensed.csv`` (IOM Counter Trafficking Data Collaborative).
Synthetic, privacy-preserving data: never attempt to re-identify anyone.

The file holds 21,195 records below the header (21,196 lines; the last line has no newline,
so ``wc -l`` reports 21,195). Every record is kept, in file order. Identical records are
legitimate (synthetic records are not unique), so there is no key and no duplicate check.
Empty cells are missing values; the 0/1 flag columns only mark positives (``1``), so an
empty flag cannot be told apart from "no" and is read as False.

Output of :func:`read_ctdc`: one row per record, columns

- ``year_register``: ordered categorical, registration-year bin, one of :data:`YEAR_BINS`
  (<NA> when not recorded).
- ``year_from``, ``year_to``: Int64, first and last year of that bin.
- ``gender``: str, victim sex ("Female", "Male"; <NA> unknown).
- ``majority_status``: str, "Adult" or "Minor" (<NA> unknown).
- ``is_forced_labour``, ``is_sexual_exploit``: bool, exploitation type flags.
- ``un_coo_region``, ``un_coe_region``: str, UN region of the victim's citizenship (origin) and
  of exploitation: "Africa", "Americas/Oceania", "Asia", "Europe" (<NA> unknown).
- ``ip_exploiter``: bool, the perpetrator exploited the victim.
- ``ip_gender``: str, perpetrator sex; several perpetrators are ";"-joined ("Female;Male").
- ``ip_age_broad``: str, perpetrator age band(s) among "0--29", "30--38", "39--47", "48+".
- ``ip_citizen_un_region``: str, perpetrator citizenship region(s), ";"-joined.
- ``ip_relation``: str, relation to the victim among "FamilyIntimatePartner",
  "FriendAcquaintance", "StrangerUnknownOther", ";"-joined.
- ``ip_pay_money``: str, whether the victim paid the perpetrator: "No", "Yes" or "No;Yes".
- ``ip_recruiter_broker``, ``ip_transaction_process``, ``ip_control_abuse_kidnap``: bool,
  perpetrator role flags (recruiter/broker; part of the transaction; control/abuse/kidnap).
- ``source_line``: int64, 1-based line number in the CSV (the header is line 1).

Multi-valued cells are kept as published (";"-joined, in the file's order); every part must
be a known code or the reader raises :class:`DataError`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tiptrends.errors import DataError
from tiptrends.io.readers._common import read_text_csv, strip_header, validate

READER_VERSION = "1"

YEAR_BINS = ("2005-2013", "2014-2018", "2019", "2020", "2021-2022")
REGIONS = ("Africa", "Americas/Oceania", "Asia", "Europe")
FLAG = ("1",)

#: raw column -> (output column, allowed codes or FLAG for 0/1 flags, multi-valued?)
COLUMNS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "yearRegister": ("year_register", YEAR_BINS, False),
    "gender": ("gender", ("Female", "Male"), False),
    "majorityStatus": ("majority_status", ("Adult", "Minor"), False),
    "isForcedLabour": ("is_forced_labour", FLAG, False),
    "isSexualExploit": ("is_sexual_exploit", FLAG, False),
    "UN_COO_Region": ("un_coo_region", REGIONS, False),
    "UN_COE_Region": ("un_coe_region", REGIONS, False),
    "IP_Exploiter": ("ip_exploiter", FLAG, False),
    "IP_Gender": ("ip_gender", ("Female", "Male"), True),
    "IP_ageBroad": ("ip_age_broad", ("0--29", "30--38", "39--47", "48+"), True),
    "IP_citizen_UNRegion": ("ip_citizen_un_region", REGIONS, True),
    "IP_Relation": (
        "ip_relation",
        ("FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther"),
        True,
    ),
    "IP_PayMoney": ("ip_pay_money", ("No", "Yes"), True),
    "IP_RecruiterBroker": ("ip_recruiter_broker", FLAG, False),
    "IP_TransactionProcess": ("ip_transaction_process", FLAG, False),
    "IP_ControlAbuseKidnap": ("ip_control_abuse_kidnap", FLAG, False),
}

YEAR_DTYPE = pd.CategoricalDtype(list(YEAR_BINS), ordered=True)


@functools.cache
def _schemas() -> dict[str, Any]:
    """The module's pandera schema, built on first use (pandera is imported only then)."""
    import pandera.pandas as pa

    def _multi_check(allowed: tuple[str, ...]) -> pa.Check:
        allowed_set = set(allowed)
        return pa.Check(
            lambda s: s.str.split(";").map(lambda parts: set(parts) <= allowed_set),
            element_wise=False,
            error=f"every ';'-separated part in {allowed}",
        )

    def _schema_columns() -> dict[str, pa.Column]:
        cols: dict[str, pa.Column] = {
            "year_register": pa.Column(YEAR_DTYPE, nullable=True),
            "year_from": pa.Column("Int64", pa.Check.in_range(2000, 2030), nullable=True),
            "year_to": pa.Column("Int64", pa.Check.in_range(2000, 2030), nullable=True),
        }
        for out, allowed, multi in list(COLUMNS.values())[1:]:
            if allowed == FLAG:
                cols[out] = pa.Column(bool)
            elif multi:
                cols[out] = pa.Column(str, _multi_check(allowed), nullable=True)
            else:
                cols[out] = pa.Column(str, pa.Check.isin(allowed), nullable=True)
        cols["source_line"] = pa.Column("int64", pa.Check.ge(2), unique=True)
        return cols

    SCHEMA = pa.DataFrameSchema(
        _schema_columns(),
        strict=True,
        ordered=True,
        checks=[pa.Check(lambda df: df["year_from"] <= df["year_to"], ignore_na=True)],
        name="ctdc_vp_synthetic_condensed",
    )
    return {"SCHEMA": SCHEMA}


def __getattr__(name: str) -> Any:
    if name == "SCHEMA":  # the schema as a module attribute, built on first use
        return _schemas()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_ctdc(path: Path) -> pd.DataFrame:
    """Read the CTDC victim-perpetrator synthetic CSV into one typed row per record.

    Parameters
    ----------
    path : Path
        ``CTDC_VPsynthetic_condensed.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns as documented in the module docstring, validated by :data:`SCHEMA`.

    Raises
    ------
    DataError
        If the file is missing or not parseable CSV, a column is missing or unexpected,
        a value is not a known code, or the output fails :data:`SCHEMA`.
    """
    path = Path(path)
    raw = read_text_csv(path, tuple(COLUMNS))
    header = strip_header(path, raw, tuple(COLUMNS))
    if len(set(header)) != len(header):
        raise DataError(path, "duplicate column names in header")
    raw.columns = header

    lines = np.arange(2, len(raw) + 2, dtype="int64")
    out = pd.DataFrame(index=raw.index)
    for col, (name, allowed, multi) in COLUMNS.items():
        values = raw[col].str.strip()
        _check_codes(path, col, values, allowed, multi, lines)
        if allowed == FLAG:
            out[name] = values.eq("1").astype(bool)
        elif name == "year_register":
            out[name] = pd.Categorical(values.replace("", None), dtype=YEAR_DTYPE)
            bounds = values.str.split("-")
            out["year_from"] = pd.array(
                [int(b[0]) if b[0] else None for b in bounds], dtype="Int64"
            )
            out["year_to"] = pd.array([int(b[-1]) if b[0] else None for b in bounds], dtype="Int64")
        else:
            out[name] = values.replace("", None).astype(object)
    out["source_line"] = lines
    schema = _schemas()["SCHEMA"]
    out = out[list(schema.columns)]
    return validate(path, schema, out)


def _check_codes(
    path: Path,
    col: str,
    values: pd.Series,
    allowed: tuple[str, ...],
    multi: bool,
    lines: np.ndarray,
) -> None:
    """Raise DataError naming the first value of ``col`` that is not a known code."""
    ok = set(allowed)
    for value in values.unique():
        if value == "":
            continue
        parts = value.split(";") if multi else [value]
        bad = [p for p in parts if p not in ok]
        if bad:
            line = int(lines[(values == value).to_numpy().argmax()])
            raise DataError(path, f"line {line}: unknown {col} code {bad[0]!r}")

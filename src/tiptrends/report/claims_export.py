"""The claims ledger as machine-readable JSON, for the landing page of the site.

Chapter 11 checks the quantitative claims of a press release and reaches a verdict for each.
:func:`record_claims` writes that ledger to ``_build/claims.json`` so that the landing page
can list the verdicts without reading the notebook. The file is one JSON object::

    {
      "source": "the release's title, date and publisher",
      "verdict_counts": {"reproduced": 2, "consistent": 1, ...},
      "claims": [
        {
          "claim_id": "forced_labour_share_world",
          "claim": "our one-line paraphrase of the claim",
          "claimed": "42 percent",
          "verdict": "not reproduced",
          "shown": "one line, with numbers, of what the data show",
          "chapters": ["02_forced_labour", "11_press_release_claims"],
          "main": 35.3,
          "alternatives": {"mean of country shares": 34.5, ...},
          "current_release": 25.7,
          "current_release_shown": "one line: the same computation on the current release",
          "current_release_verdict": "not reproduced"
        },
        ...
      ]
    }

``chapters`` are notebook stems (link ``<stem>.html``); ``main`` is the main computed number
in the claim's unit on the basis the verdict is reached on (the report basis), or null;
``alternatives`` maps each documented alternative computation to its value (empty when
none); ``current_release`` is the same main computation on the current release (null when
the claim has none), with its line and verdict (empty / null when none). Claims keep the
ledger's order.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from tiptrends import paths
from tiptrends.report.results import RESULTS_FILE_ENV, write_json_atomic

CLAIMS_FILE = "claims.json"
"""Name of the ledger file in the build directory."""

LEDGER_COLUMNS = ("claim", "claimed", "verdict", "what the data show", "see")
"""Columns :func:`record_claims` needs in the ledger."""

_STEM_RE = re.compile(r"(\d\d_[A-Za-z0-9_]+)(?:\.html|\.ipynb)")


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def claims_records(
    ledger: pd.DataFrame, evidence: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One JSON-ready dictionary per claim of ``ledger`` (format in the module docstring).

    Parameters
    ----------
    ledger : pandas.DataFrame
        Index ``claim_id``; columns :data:`LEDGER_COLUMNS` (as built by chapter 11).
    evidence : mapping, optional
        ``claim_id`` -> an object with ``main`` and ``alternatives`` attributes, and
        optionally ``current``, ``current_shown`` and ``current_verdict`` (the chapter's
        evidence); without it ``main`` and ``current_release`` are null and
        ``alternatives`` empty.

    Raises
    ------
    ValueError
        If the ledger lacks a column.
    """
    missing = sorted(set(LEDGER_COLUMNS) - set(ledger.columns))
    if missing:
        raise ValueError(f"record_claims: the ledger lacks columns {missing}")
    records = []
    for claim_id, row in ledger.iterrows():
        found = (evidence or {}).get(str(claim_id))
        alternatives = getattr(found, "alternatives", None) or {}
        records.append(
            {
                "claim_id": str(claim_id),
                "claim": str(row["claim"]),
                "claimed": str(row["claimed"]),
                "verdict": str(row["verdict"]),
                "shown": str(row["what the data show"]),
                "chapters": list(dict.fromkeys(_STEM_RE.findall(str(row["see"])))),
                "main": _number(getattr(found, "main", None)),
                "alternatives": {str(k): _number(v) for k, v in alternatives.items()},
                "current_release": _number(getattr(found, "current", None)),
                "current_release_shown": str(getattr(found, "current_shown", "") or ""),
                "current_release_verdict": getattr(found, "current_verdict", None),
            }
        )
    return records


def record_claims(
    ledger: pd.DataFrame,
    evidence: Mapping[str, Any] | None = None,
    *,
    source: str = "",
    path: str | Path | None = None,
) -> dict[str, Any]:
    """Write the claims ledger to ``_build/claims.json`` (atomically) and return its content.

    Like :func:`tiptrends.report.results.record`, the file is written under ``tiptrends
    render`` (when ``TIPTRENDS_RESULTS_FILE`` is set) or when ``path`` is given; otherwise
    the content is only built and returned.

    Parameters
    ----------
    ledger : pandas.DataFrame
        See :func:`claims_records`.
    evidence : mapping, optional
        See :func:`claims_records`.
    source : str
        The document whose claims are checked (title, date, publisher).
    path : str or Path, optional
        Where to write (default ``paths.build_dir() / "claims.json"``).
    """
    records = claims_records(ledger, evidence)
    counts: dict[str, int] = {}
    for r in records:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    content = {"source": source, "verdict_counts": counts, "claims": records}
    if path is not None or os.environ.get(RESULTS_FILE_ENV):
        write_json_atomic(Path(path) if path else paths.build_dir() / CLAIMS_FILE, content)
    return content

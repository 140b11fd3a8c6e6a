"""Sphinx extension: the book's search finds US spellings, and chapters rank above the API.

The book is written in British English ("forced labour", "organised"), and Sphinx's search
matches words as written, so a reader who types "forced labor" found nothing. Each page gets
the US spelling of its British words as search keywords (a ``<meta name="keywords">`` that
the search index reads and the reader does not see). A search scorer (``search_scorer.js``)
lowers the score of API reference pages, so that a chapter comes before a function of the
same name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["setup", "us_spellings"]

#: Words whose US spelling is not a regular change of ending.
US_WORDS = {
    "labour": "labor", "labourers": "laborers", "labourer": "laborer",
    "behaviour": "behavior", "behaviours": "behaviors", "neighbouring": "neighboring",
    "neighbour": "neighbor", "neighbours": "neighbors", "favour": "favor", "colour": "color",
    "colours": "colors", "centre": "center", "centres": "centers", "programme": "program",
    "programmes": "programs", "licence": "license", "defence": "defense", "offence": "offense",
    "offences": "offenses", "analyse": "analyze", "analysed": "analyzed", "analyses": "analyzes",
    "analysing": "analyzing", "catalogue": "catalog", "modelling": "modeling",
    "modelled": "modeled", "travelled": "traveled", "labelled": "labeled",
    "labelling": "labeling", "judgement": "judgment", "grey": "gray",
}
#: -ise words that are spelled the same in US English.
_SAME_IN_US = frozenset({
    "otherwise", "likewise", "precise", "exercise", "advise", "comprise", "comprised",
    "comprises", "enterprise", "surprise", "surprised", "premise", "expertise", "concise",
    "promise", "rise", "raise", "raised", "arise", "arises", "wise", "revise", "revised",
    "revises", "supervise", "devise", "compromise", "noise", "franchise", "disenfranchised",
    "praise", "cruise", "merchandise", "televised", "advertise", "advertised", "chastise",
    "improvise", "despise", "incise", "excise", "demise", "disguise", "treatise", "paradise",
    "poise", "bruise", "appraise", "promised", "exercised", "surprises", "precisely", "rises",
    "raises", "arisen", "revising", "revision", "revisions", "supervised", "promises",
    "reprised", "mise", "guise",
})
_ISE = re.compile(r"^([a-z]{3,})is(e|ed|es|ing|ation|ations|er|ers)$")
_WORD = re.compile(r"[A-Za-z]+")


def us_spellings(words: Iterable[str]) -> list[str]:
    """The US spellings of the British words among ``words`` (sorted, without repeats).

    Examples
    --------
    >>> us_spellings(["Forced", "labour", "is", "organised", "otherwise", "recognised", "raise"])
    ['labor', 'organized', 'recognized']
    """
    found = set()
    for word in words:
        low = word.lower()
        if low in US_WORDS:
            found.add(US_WORDS[low])
        elif low not in _SAME_IN_US and (m := _ISE.match(low)):
            found.add(f"{m.group(1)}iz{m.group(2)}")
    return sorted(found)


def _add_keywords(app: Any, doctree: Any) -> None:
    """Add the page's US spellings as search keywords (read by the index, not shown)."""
    from docutils import nodes

    words = us_spellings(_WORD.findall(doctree.astext()))
    if words:
        doctree.insert(0, nodes.meta(content=", ".join(words), name="keywords"))


def setup(app: Any) -> dict[str, Any]:
    """Register the keyword hook (the scorer is set in ``book_conf.html_search_scorer``)."""
    app.connect("doctree-read", _add_keywords)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Layer 3, ``tiptrends.analyses``: one module per chapter of the collection.

coverage   00 data and coverage, 01 detected victims, 10 revisions between releases
forms      02 forced labour, 03 forced criminality, 08 composition and uncertainty
profiles   04 child victims (sex-and-age profile)
justice    05 traffickers and justice
eu         06 the European Union
detection  07 the detection gap
flows      09 cross-border flows
claims     11 the press release's claims

May import: ``tiptrends.io``, ``tiptrends.methods`` and the leaves. A chapter module never
imports another chapter module nor ``report``: what two chapters share moves to ``methods``.
Named constants (years, panels, method labels) that a notebook uses live in its module.
"""

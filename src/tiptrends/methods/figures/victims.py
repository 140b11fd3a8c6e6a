"""Figures of victims (registered on import)."""

from __future__ import annotations

"""Figures of eu (registered on import)."""

from __future__ import annotations

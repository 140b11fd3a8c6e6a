"""Figures of justice (registered on import)."""

from __future__ import annotations

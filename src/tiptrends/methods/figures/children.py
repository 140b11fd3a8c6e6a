"""Figures of children (registered on import)."""

from __future__ import annotations

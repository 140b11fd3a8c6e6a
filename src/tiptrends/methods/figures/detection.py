"""Figures of detection (registered on import)."""

from __future__ import annotations

"""Figures of flows (registered on import)."""

from __future__ import annotations

"""Reusable widgets of the rehearsal app (one per file)."""

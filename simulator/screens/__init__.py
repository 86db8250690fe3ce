"""The screens of the rehearsal app (one per file)."""

"""Background and scheduled work (filled in by its owner)."""

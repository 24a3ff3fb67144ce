"""The scorecards app's models (filled in by its owner)."""

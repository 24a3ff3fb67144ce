"""Scheduled reminders (filled in by its owner)."""

"""Navigation items, home sections and Board pack sections the scorecards app registers with the core."""

"""Navigation items, home sections and Board pack sections this part of the core registers (imported by
cscp.apps at start-up)."""

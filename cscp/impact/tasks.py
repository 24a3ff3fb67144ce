"""Impact updates need no background work of their own: the reminders that updates are due or late, and that
escalations await a decision, are sent by cscp.reminders, which reads cscp.impact.selectors."""

"""Background work for the action tracker: none of its own. Reminders about actions due soon, due tomorrow and
overdue are sent by cscp.reminders, which reads `cscp.actions.selectors.actions_due_between`."""

"""`python manage.py reset_demo`: delete everything in the demo's database, then load the demo afresh.

`seed_demo` never changes or deletes what exists, so a second `make run` keeps what people did in the browser.
Starting again is this separate command: it says what it will delete, counted from the database, and asks for
"reset" to be typed before it deletes anything (`--yes` for scripts). Like `seed_demo`, it runs only where DEMO is on.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# What a person would recognise as their work, counted in the warning (everything else is deleted too).
RECOGNISED = [
    ("cscp.Person", "people"),
    ("impact.ImpactUpdate", "impact updates"),
    ("impact.Escalation", "escalations"),
    ("actions.Action", "actions"),
    ("boardpack.BoardPack", "Board packs"),
    ("scorecards.IndicatorValue", "figures"),
    ("scorecards.ImportRun", "imports"),
    ("cscp.AuditEvent", "audit events"),
]


class Command(BaseCommand):
    help = "Delete everything in the demo's database and load the demo afresh. Asks first; runs only where DEMO=true."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Do not ask: delete and reload at once")

    def handle(self, *args, yes: bool = False, **options):
        if not settings.DEMO:
            raise CommandError(
                "Nothing was deleted: reset_demo deletes every record, so it runs only where DEMO=true (a "
                "demonstration site). On a real site, restore from a backup instead."
            )
        counts = [(apps.get_model(label).objects.count(), words) for label, words in RECOGNISED]
        held = ", ".join(f"{count:,} {words}" for count, words in counts if count)
        database = connection.settings_dict.get("NAME")
        self.stdout.write(f"This deletes everything in the database {database}: {held or 'nothing is held yet'}.")
        self.stdout.write("Everything people did in the browser goes, and the demo is loaded again as it first was.")
        if not yes:
            answer = input('Type "reset" to delete it all, or anything else to stop: ')
            if answer.strip().lower() != "reset":
                self.stdout.write("Nothing was deleted.")
                return
        call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("Deleted. Loading the demo again.")
        call_command("seed_demo", stdout=self.stdout)

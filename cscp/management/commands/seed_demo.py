"""`python manage.py seed_demo`: load the demo partnership, then each app's demo data (see docs/demo.md).

The loading is in the demo loaders (cscp.demo_loading): this command checks that the demo may run here, runs the
core's loader and then each app's, and says what was created. A second run creates only what is missing and changes
nothing that exists.

The personas sign in with the password in DEMO_PASSWORD. Because that password is known, the command refuses to run
unless DEMO is on or `--force` is given.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cscp.demo import DATA_DIR, DEFAULT_PASSWORD, PartnershipDemo
from cscp.sections import demo_loaders


class Command(BaseCommand):
    help = (
        "Load the demo partnership (Cumbria Safeguarding Children Partnership) and each app's demo data. Safe to run "
        "again: it creates what is missing and never changes what exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEMO is off. The personas get a known password: never use on a real site.",
        )
        parser.add_argument(
            "--data", type=Path, default=DATA_DIR, help="A folder of the partnership's demo data files to load instead"
        )

    def handle(self, *args, force: bool = False, data: Path = DATA_DIR, **options):
        if not settings.DEMO and not force:
            raise CommandError(
                "The demo was not loaded: it creates accounts that sign in with a known password, so it runs "
                "only where DEMO=true. Set DEMO=true for a demonstration site, or pass --force if you are sure."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(f"DEMO_PASSWORD is too weak: {' '.join(exc.messages)}") from exc

        created: Counter = PartnershipDemo(data, password=password).run(stdout=self.stdout)
        # The apps' demo data (the governance cycle, the scorecards...) describes the built-in partnership's groups
        # and people, so it is loaded only with its files.
        if Path(data) != DATA_DIR:
            self.stdout.write("The apps' demo data was not loaded: it belongs to the built-in demo partnership.")
        else:
            for loader in demo_loaders:
                created += loader().run(stdout=self.stdout)
        if created:
            self.stdout.write(self.style.SUCCESS("Nothing that already existed was changed."))
            self.stdout.write("The personas sign in with the demo password: see docs/demo.md.")
        else:
            self.stdout.write(self.style.SUCCESS("The demo is up to date: nothing changed."))

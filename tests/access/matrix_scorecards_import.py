"""Access rows for the scorecards' import pages: admins and data officers (the officer persona is one) upload;
a person sees their own imports and admins see everyone's; confirming and cancelling are POST-only."""

from django.core.files.base import ContentFile

from scorecards.models import ImportRun
from tests.access.matrix import PostRow, Row, everyone, posts, statuses

# The officer persona is a data officer of an agency (tests/conftest.py); no persona is a responsible officer
# until an indicator names them.
IMPORTERS = statuses(to=("admin", "officer"))
POST_ONLY = everyone(405, anonymous=302)


def _officers_run(p) -> dict:
    run = ImportRun(kind=ImportRun.Kind.LOCAL_VALUES, file_name="values.csv", created_by=p["officer"])
    run.file.save("values.csv", ContentFile(b"indicator,period,value\n"), save=False)
    run.status = ImportRun.Status.PREVIEW
    run.save()
    return {"pk": run.pk}


ROWS = [
    Row("scorecards:import-start", IMPORTERS),
    Row(
        "scorecards:import-detail",
        statuses(to=("admin", "officer"), others=404),
        kwargs=_officers_run,
        note="the officer's own import; hidden from everyone else but admins",
    ),
    Row("scorecards:import-confirm", POST_ONLY, kwargs=_officers_run),
    Row("scorecards:import-cancel", POST_ONLY, kwargs=_officers_run),
    Row(
        "scorecards:import-problems",
        statuses(to=("admin", "officer"), others=404),
        kwargs=_officers_run,
        note="every problem of the officer's own import, as CSV: as its result page",
    ),
    Row("scorecards:import-restart", POST_ONLY, kwargs=_officers_run),
]

POSTS = [
    # Confirming or cancelling an import: the person who started it, and admins; to anyone else it does not exist.
    PostRow("scorecards:import-confirm", posts(to=("admin", "officer"), others=404), kwargs=_officers_run),
    PostRow("scorecards:import-cancel", posts(to=("admin", "officer"), others=404), kwargs=_officers_run),
    # Running again an import that did not start: as confirming it (a run that is not stuck is refused by a message).
    PostRow("scorecards:import-restart", posts(to=("admin", "officer"), others=404), kwargs=_officers_run),
]

"""A broker that accepts connections but never answers does not hold a request: queueing gives up within 3 s and the
page goes on (the outbox is sent by the next scheduled run)."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

QUEUE_ONCE = """
import time, django
django.setup()
from cscp.notifications import _queue_send
started = time.monotonic()
_queue_send()
print(round(time.monotonic() - started, 2))
"""


def _black_hole() -> tuple[socket.socket, int]:
    """A server that accepts every connection and never says a word, as a wedged Redis does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


def test_queueing_a_task_on_a_broker_that_never_answers_gives_up_within_three_seconds(tmp_path):
    server, port = _black_hole()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    try:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", QUEUE_ONCE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
        )
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip().splitlines()[-1]) < 3.0
    assert elapsed < 15  # the whole process, Django's start-up included


def test_a_task_lost_with_a_killed_worker_goes_back_on_the_queue():
    from config.celery import app

    # Acknowledged only once done, and rejected back to the queue when the worker process dies mid-task: tasks are
    # idempotent (a unique key in the database), so running one again does its work once.
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True

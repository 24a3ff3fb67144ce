"""A real Celery worker, started against the configured broker (Redis in CI, the filesystem transport locally),
picks up a task queued by the product and completes it against the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from cscp.models import OutboxEmail
from cscp.tasks import send_outbox

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def real_broker():
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_an_email_waiting_in_the_outbox(real_broker, tmp_path):
    message = OutboxEmail.objects.create(key="worker-test", to="chair@example.org", subject="Hello", body="Body")
    queue = f"test-{os.getpid()}-{time.time_ns()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"filemail:///{tmp_path}",  # environ drops one leading slash
        "VAR_DIR": str(settings.VAR_DIR),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        send_outbox.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.sent_at is not None:
                break
            assert worker.poll() is None, f"the worker stopped: {worker.stdout.read()}"
            time.sleep(0.5)
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert message.sent_at is not None, f"the worker did not send the email in 60 s:\n{output[-3000:]}"
    assert message.attempts == 1
    sent = list(tmp_path.iterdir())
    assert len(sent) == 1 and "chair@example.org" in sent[0].read_text()

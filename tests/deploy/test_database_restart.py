"""A PostgreSQL restart (every connection dropped) costs no failed request: connections are health-checked
before reuse."""

import psycopg2
import pytest
from django.core.signals import request_finished, request_started
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_database_dropped_our_connection_succeeds(client):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: set DATABASE_URL (CI does)")
    assert client.get("/healthz/").status_code == 200
    # The web process keeps its connection between requests (CONN_MAX_AGE); kill it from outside, as a restart would.
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    killer = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()

    # Django's test client skips the connection housekeeping that a real server does at the edges of each request;
    # send those signals as the WSGI handler would.
    request_finished.send(sender=None)
    request_started.send(sender=None)
    assert client.get("/healthz/").status_code == 200

"""The production stack: Django's deployment checks pass with production settings, and docker-compose.yml is a
valid Compose file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#r!k2pQz9@Lm4vN8wY1tB6cE3hJ0uS5dF-a_G+oI*eW&nK%T2mq8Vz0pL4xR6cB9wJ",
    "ALLOWED_HOSTS": "assurance.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL": "true",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
}


def run_manage(*args, env_overrides):
    # Only what a deployment would have: not the test run's own switches (the browser tests allow async-unsafe calls).
    dropped = {"DEBUG", "DEMO", "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deployment_checks_pass_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_checks_fail_with_debug_on():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides={**PRODUCTION_ENV, "DEBUG": "true"}
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_docker_compose_is_a_valid_compose_file():
    check = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    result = subprocess.run(
        [check, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_runs_the_whole_stack_from_the_repositorys_dockerfile():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "config"]
    assert "beat" in services["beat"]["command"]
    assert (ROOT / "Dockerfile").exists()
    assert services["web"]["build"] == "."


@pytest.mark.parametrize("header", ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"])
def test_pages_carry_the_security_headers(client, db, header):
    response = client.get("/accessibility/")
    assert header in response.headers


def test_the_content_security_policy_uses_a_nonce_and_no_unsafe_inline(client, db):
    policy = client.get("/accessibility/").headers["Content-Security-Policy"]
    assert "'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy

"""Configuration, health, deployment files and translations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


TEST_ONLY_VARIABLES = ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SSL_REDIRECT", "DJANGO_SECURE_COOKIES")


def _manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop and k not in TEST_ONLY_VARIABLES}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _manage("check", env_overrides={"DJANGO_DEBUG": "false"}, drop=("DJANGO_SECRET_KEY",))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "p" * 60 + "-Zq8#",
            "DJANGO_ALLOWED_HOSTS": "sd.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    from servicedesk import heartbeats

    heartbeats.beat("worker")
    heartbeats.beat("beat")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body.pop("heartbeat_age") == {"worker": 0, "beat": 0}
    assert body == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
        "failed": [],
    }


@pytest.mark.django_db
def test_healthz_is_503_naming_the_failed_part(client, settings):
    from servicedesk.celery import app

    previous = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_write_url = previous
    assert response.status_code == 503
    assert response.json()["broker"] == "failed"
    assert "broker" in response.json()["failed"]
    assert response.json()["database"] == "ok"


def test_docker_compose_defines_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"] == "."
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["DJANGO_DEBUG"] == "false"
        assert "DJANGO_SECRET_KEY" in env
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile
    assert "gunicorn" in dockerfile


def _po_files():
    return [p for p in ROOT.rglob("locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts]


def test_chinese_catalogues_are_complete_and_compiled(tmp_path):
    files = _po_files()
    assert files, "no zh_Hans catalogue found"
    for po in files:
        compiled = tmp_path / "django.mo"
        result = subprocess.run(
            ["msgfmt", "--check-format", "--statistics", "-o", str(compiled), str(po)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (
            f"{po}: {result.stderr}"
        )
        committed = po.with_suffix(".mo")
        assert committed.exists(), f"{committed} is missing: run make messages"
        assert committed.read_bytes() == compiled.read_bytes(), (
            f"{committed} is stale: run make messages"
        )


def test_beat_start_sends_the_idempotent_sweeps_once_each(settings):
    """An interval schedule first fires one interval after beat starts; the catch-up
    sends each sweep at once so a restart does not wait an hour for inspections."""
    from types import SimpleNamespace

    from servicedesk.celery import CATCH_UP_ON_START, app, catch_up_on_start

    sent = []
    sender = SimpleNamespace(
        app=SimpleNamespace(conf=app.conf, send_task=lambda name, **options: sent.append(name))
    )
    catch_up_on_start(sender)
    expected = [settings.CELERY_BEAT_SCHEDULE[name]["task"] for name in CATCH_UP_ON_START]
    assert sent == expected
    assert "sla.tasks.sweep_clocks" in sent and "inspections.tasks.generate_due" in sent

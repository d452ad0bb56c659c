"""The monitoring profile of docker-compose.yml and its alert rules hang together:
files exist, services and volumes named exist, and every metric an alert or the
runbook watches is one /metrics really exposes."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
RULES = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
PROMETHEUS = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())


def test_compose_names_only_services_and_volumes_it_declares():
    services, volumes = COMPOSE["services"], set(COMPOSE["volumes"])
    for name, service in services.items():
        depends = service.get("depends_on") or []
        assert set(depends) <= set(services), name
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), source
            else:
                assert source in volumes, (name, source)
        assert isinstance(service.get("profiles", []), list)


def test_prometheus_runs_only_in_the_monitoring_profile_with_the_rules():
    prometheus = COMPOSE["services"]["prometheus"]
    assert prometheus["profiles"] == ["monitoring"]
    assert all("profiles" not in s for n, s in COMPOSE["services"].items() if n != "prometheus")
    assert "/etc/prometheus/alerts.yml" in PROMETHEUS["rule_files"]
    targets = [
        t
        for job in PROMETHEUS["scrape_configs"]
        for c in job["static_configs"]
        for t in c["targets"]
    ]
    assert targets == ["web:8000", "worker:9808"]
    assert COMPOSE["services"]["worker"]["environment"]["WORKER_METRICS_PORT"] == "9808"
    assert COMPOSE["services"]["worker"]["environment"]["DATABASE_URL"].startswith("postgres://")
    # Prometheus asks for web:8000, so that host name must be allowed.
    assert COMPOSE["services"]["web"]["environment"]["DJANGO_ALLOWED_HOSTS"].endswith(",web")


def test_the_obvious_failures_have_alerts():
    rules = {rule["alert"]: rule for group in RULES["groups"] for rule in group["rules"]}
    assert "> 300" in rules["OutboxMessageStuck"]["expr"]  # oldest pending over 5 minutes
    assert "> 180" in rules["BackgroundHeartbeatStale"]["expr"]  # heartbeat over 3 minutes
    assert "servicedesk_sla_breaches_today" in rules["SlaBreachRateHigh"]["expr"]


def test_alerts_watch_only_metrics_that_exist(db, client):
    from operations.telemetry import REQUESTS, TASKS

    REQUESTS.labels("x", "GET", "200")
    TASKS.labels("x", "SUCCESS")
    exposed = set(re.findall(r"^# TYPE (\w+)", client.get("/metrics").content.decode(), re.M))
    exposed |= {f"{name}_total" for name in exposed}
    watched = set()
    for group in RULES["groups"]:
        for rule in group["rules"]:
            watched |= set(re.findall(r"servicedesk_\w+", rule["expr"]))
    assert watched and watched <= exposed, watched - exposed

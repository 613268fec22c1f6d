"""The project as a whole: production settings, deploy checks, docker-compose, layering."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 10 + "a-long-and-random-production-key-0123456789-!#%&",
    "ALLOWED_HOSTS": "rotesnetz.example",
    "PATH": os.environ["PATH"],
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_docker_compose_commands_exist():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    venv_bin = Path(sys.executable).parent

    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        program = command[0] if isinstance(command, list) else command.split()[0]
        assert (venv_bin / program).exists() or program == "python", (name, program)
        assert "healthcheck" in services[name] or name != "web"
    assert "rotesnetz.asgi:application" in " ".join(services["web"]["command"])
    for name in ("worker", "beat"):
        assert "rotesnetz" in " ".join(services[name]["command"])
    for name in ("db", "redis"):
        assert "healthcheck" in services[name]
        assert services[name].get("volumes")


@pytest.mark.django_db
def test_celery_app_finds_the_tasks():
    from rotesnetz.celery import app

    app.loader.import_default_modules()
    assert {"outbox.send_batch", "outbox.sweep"} <= set(app.tasks)


def test_core_does_not_import_the_parts():
    parts = ("quartier", "parteischule", "konferenzen")
    core = ROOT / "rotesnetz"
    composition_root = {"settings.py", "urls.py", "asgi.py", "celery.py", "routing.py"}
    offenders = []
    for path in core.rglob("*.py"):
        if path.name in composition_root and path.parent == core:
            continue
        text = path.read_text()
        offenders += [
            f"{path.relative_to(ROOT)}: {part}"
            for part in parts
            if f"import {part}" in text or f"from {part}" in text
        ]
    assert offenders == []


def test_no_app_imports_the_settings_module():
    """Apps read django.conf.settings; only entry points name the settings module."""
    import re

    pattern = re.compile(
        r"^\s*(from rotesnetz\.settings import|import rotesnetz\.settings"
        r"|from rotesnetz import settings)",
        re.M,
    )
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/**/*.py")
        if path.parts[len(ROOT.parts)] not in {".venv", ".uv-tool", "tests", "bench", "scripts"}
        and pattern.search(path.read_text())
    ]
    assert offenders == []

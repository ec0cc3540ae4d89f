"""Production settings refuse the demo two-factor shortcut (and a missing secret key)."""

import os
import subprocess
import sys

from django.conf import settings


def load_production(**env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"EARLYHELP_DEMO_TWO_FACTOR_CODE", "SECRET_KEY"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_with_the_demo_shortcut():
    result = load_production(SECRET_KEY="x" * 60, EARLYHELP_DEMO_TWO_FACTOR_CODE="000000")
    assert result.returncode != 0
    assert "demo two-factor shortcut must never run in production" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = load_production()
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_starts_when_configured_properly():
    result = load_production(SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr

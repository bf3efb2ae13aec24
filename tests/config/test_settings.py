import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SAFE_PRODUCTION_ENV = {
    "TRIAGE_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-settings-test-only-0123456789",
    "PHI_KEYS": "k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
    "PHI_INDEX_KEY": "aW5kZXgta2V5LWZvci10aGUtc2V0dGluZ3MtdGVzdC1vbmx5",
    "ALLOWED_HOSTS": "triage.example.org",
    "PAGING_WEBHOOK_SECRET": "webhook-secret-for-the-settings-test-only",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/triage",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_with_debug_on():
    result = run_manage({**SAFE_PRODUCTION_ENV, "DEBUG": "true"}, "check")

    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_the_default_secret_key_and_names_it():
    env = {k: v for k, v in SAFE_PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = run_manage(env, "check")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_phi_key():
    env = {k: v for k, v in SAFE_PRODUCTION_ENV.items() if k not in {"PHI_KEYS"}}

    result = run_manage(env, "check")

    assert result.returncode != 0
    assert "PHI_KEYS" in result.stderr


def test_production_refuses_sqlite_and_the_filesystem_broker():
    env = {
        k: v
        for k, v in SAFE_PRODUCTION_ENV.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }

    result = run_manage(env, "check")

    assert "DATABASE_URL must point at PostgreSQL" in result.stderr
    assert "CELERY_BROKER_URL must point at Redis" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage(SAFE_PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_environment_variable_is_documented_in_env_example_and_the_readme():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    variables = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))
    example = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    readme = (ROOT / "README.md").read_text()

    assert len(variables) > 40
    assert variables - example == set()
    assert {v for v in variables if f"`{v}`" not in readme} == set()


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "1_0", ""])
def test_a_bad_trusted_proxy_count_refuses_to_start_and_names_it(value):
    result = run_manage({"TRUSTED_PROXY_COUNT": value}, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: TRUSTED_PROXY_COUNT" in result.stderr


def test_a_trusted_proxy_count_is_read():
    result = run_manage(
        {"TRUSTED_PROXY_COUNT": "2"}, "shell", "--no-imports", "-c", _PRINT_PROXY_COUNT
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_the_retired_client_ip_headers_setting_refuses_to_start():
    # Before issue 16 it named headers to trust; dropping it silently would put every
    # patient behind a proxy on the proxy's address (one shared rate limit).
    result = run_manage({"AXES_CLIENT_IP_HEADERS": "HTTP_X_FORWARDED_FOR"}, "check")

    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


_PRINT_PROXY_COUNT = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"

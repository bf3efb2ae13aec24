import re
import socket
import subprocess
import time
from base64 import b32decode
from pathlib import Path

import httpx
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from accounts.models import Team, User
from cases.models import Case
from demo.management.commands.demo import process_commands
from demo.seed import DEMO_PASSWORD, seed_demo
from triage.engine import default_script
from triage.models import TriageScript
from triage.scripts.services import script_create_draft

pytestmark = pytest.mark.django_db


def test_the_demo_has_staff_and_a_dozen_cases_across_every_acuity():
    lines = seed_demo()

    assert Case.objects.count() == 12
    assert set(Case.objects.values_list("acuity", flat=True)) == {
        "emergent",
        "urgent",
        "soon",
        "routine",
    }
    assert Case.objects.filter(crisis=True).exists()
    assert any("TOTP secret" in line for line in lines)


def test_seeding_twice_adds_nothing():
    seed_demo()
    seed_demo()

    assert Case.objects.count() == 12


def test_the_demo_never_loads_in_production(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True

    with pytest.raises(ImproperlyConfigured):
        seed_demo()


def _demo_totp(lines: list[str], username: str) -> str:
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(username + " "))
    secret = lines[at + 1].split("TOTP secret ")[1].split(";")[0]
    return str(totp(b32decode(secret))).zfill(6)


def test_the_demo_supervisor_signs_in_with_mfa_and_approves_a_script_in_the_admin(client):
    lines = seed_demo()
    supervisor = User.objects.get(username="supervisor")
    draft = script_create_draft(
        team=Team.objects.get(slug="north"),
        document=default_script().to_dict(),
        author=User.objects.get(username="admin"),
        change_note="demo draft",
    )
    client.post(reverse("accounts:login"), {"username": "supervisor", "password": DEMO_PASSWORD})
    client.post(reverse("accounts:verify"), {"token": _demo_totp(lines, "supervisor")})

    changelist = reverse("admin:triage_triagescript_changelist")
    page = client.get(changelist)
    client.post(changelist, {"action": "approve", ACTION_CHECKBOX_NAME: [draft.pk]})

    assert supervisor.is_staff
    assert page.status_code == 200
    draft.refresh_from_db()
    assert draft.status == TriageScript.Status.APPROVED
    assert draft.approved_by == supervisor


def test_reseeding_an_older_demo_makes_the_supervisor_staff():
    seed_demo()
    User.objects.filter(username="supervisor").update(is_staff=False)

    seed_demo()

    assert User.objects.get(username="supervisor").is_staff


def test_the_demo_web_process_is_gunicorn_with_the_config_that_warms_the_engine(monkeypatch):
    import config.gunicorn_conf
    from triage.scripts import active

    warmed = []
    monkeypatch.setattr(active, "warm", lambda: warmed.append(True))

    web = process_commands("127.0.0.1", 8000)["web"]
    config.gunicorn_conf.post_worker_init(worker=None)

    assert web[1:3] == ["-m", "gunicorn"]
    assert web[web.index("-c") + 1] == str(Path(config.gunicorn_conf.__file__))
    assert warmed == [True]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_first_crisis_after_the_demo_web_starts_is_handled_in_under_two_seconds(tmp_path):
    from intake import tokens
    from paging.models import Page
    from tests.conftest import ROOT, process_env
    from tests.factories.cases import make_case, make_intake
    from tests.factories.messaging import CRISIS

    intake = make_intake(submitted_at=timezone.now())
    token = tokens.issue(intake)
    intake.save()
    case = make_case(intake=intake)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "web.log"
    with log.open("w") as out:
        web = subprocess.Popen(
            process_commands("127.0.0.1", port)["web"],
            cwd=ROOT,
            env=process_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        browser = httpx.Client()
        deadline = time.monotonic() + 90
        while True:  # the process is up once it answers (gunicorn answers once warm)
            try:
                page = browser.get(f"{base}/intake/status/{token}/conversation/", timeout=60)
                break
            except httpx.ConnectError:
                assert web.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)

        started = time.monotonic()
        response = browser.post(
            f"{base}/intake/status/{token}/conversation/",
            data={"body": CRISIS, "csrfmiddlewaretoken": csrf.group(1) if csrf else ""},
            timeout=60,
        )
        elapsed = time.monotonic() - started
    finally:
        web.terminate()
        web.wait(timeout=30)

    assert response.status_code == 200, log.read_text()
    assert Page.objects.filter(case=case).exists()  # the nurse on call is paged
    assert elapsed < 2.0, f"first crisis took {elapsed:.1f} s\n{log.read_text()}"


def test_the_demo_supervisor_validates_approves_and_activates_the_leads_draft(client):
    lines = seed_demo()
    draft = TriageScript.objects.get(team__slug="north", status=TriageScript.Status.DRAFT)
    assert draft.author.username == "lead"
    client.post(reverse("accounts:login"), {"username": "supervisor", "password": DEMO_PASSWORD})
    client.post(reverse("accounts:verify"), {"token": _demo_totp(lines, "supervisor")})

    home = client.get(reverse("console:scripts"))
    assert reverse("console:script", args=[draft.pk]).encode() in home.content
    client.post(reverse("console:script_validation", args=[draft.pk]))
    client.post(reverse("console:script_step", args=[draft.pk, "approve"]))
    client.post(reverse("console:script_step", args=[draft.pk, "activate"]))

    draft.refresh_from_db()
    assert draft.status == TriageScript.Status.ACTIVE
    assert draft.approved_by.username == "supervisor"

import pytest

from triage.demo.seed import seed_demo
from triage.models import Case

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

import pytest

from tests.factories.triage import make_case, make_intake


@pytest.fixture
def intake_factory():
    return make_intake


@pytest.fixture
def case_factory():
    return make_case

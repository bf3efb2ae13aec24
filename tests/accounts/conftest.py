import pytest
from django.test import Client

from tests.factories.accounts import TeamFactory


@pytest.fixture
def team():
    return TeamFactory(name="North Clinic", slug="north-test")


@pytest.fixture
def client_factory():
    """Another browser: a fresh test client with its own cookies."""
    return Client

import pytest

from tests.factories.accounts import login_verified
from tests.factories.cases import make_case, make_team
from tests.factories.messaging import make_conversation, make_nurse


@pytest.fixture
def team():
    return make_team("north")


@pytest.fixture
def case(team):
    return make_case(team=team)


@pytest.fixture
def conversation(case):
    return make_conversation(case)


@pytest.fixture
def nurse(team):
    return make_nurse(team)


@pytest.fixture
def nurse_client(client, nurse):
    login_verified(client, nurse)
    return client

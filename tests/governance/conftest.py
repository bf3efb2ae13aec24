import pytest

from triage.crisis_models import active


@pytest.fixture(autouse=True)
def _fresh_model_state():
    # Loaded models and load errors are per process: each test starts from nothing.
    active.reset()
    yield
    active.reset()

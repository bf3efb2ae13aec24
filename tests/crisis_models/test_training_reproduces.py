"""Training from the repository's corpus rebuilds the shipped model exactly (issue 14)."""

import pytest

from triage.crisis_models.active import shipped_model
from triage.crisis_models.training import train_from_corpus


@pytest.mark.xdist_group("training")
def test_training_on_the_corpus_gives_the_shipped_model():
    run, _ = train_from_corpus()

    shipped = shipped_model()
    # The version is a hash of every weight, the calibration and the threshold.
    assert run.model.version == shipped.version
    assert run.model.threshold == shipped.threshold

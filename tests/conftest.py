import pytest

from historiograph.parse import load_pipeline


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline with every extractor, loaded once for the whole run."""
    return load_pipeline()

from unittest import mock

import pytest


@pytest.fixture(autouse=True)
def no_real_sleeping():
    """Retries and pacing sleep; unit tests assert *that* we wait, not the wall clock."""
    with mock.patch("time.sleep") as sleep:
        yield sleep

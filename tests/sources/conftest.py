import pytest

from tests.sources.site import serving


@pytest.fixture
def site():
    """A local news site (tests/sources/site.py); yields its base URL."""
    with serving() as base:
        yield base

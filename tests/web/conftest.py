"""Page tests talk to the app in-process, inside the test's rolled-back session."""
import pytest

from tests.factories import web_client


@pytest.fixture
def client(session):
    with web_client(session) as c:
        yield c

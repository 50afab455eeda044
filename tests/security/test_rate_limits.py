"""The write rate limit holds across servers: two `parallax serve` processes on one database draw
on one bucket per client, so scaling the web service does not multiply the limit."""
import httpx
import pytest

from tests.helpers import cli_env, running_server
from tests.waiting import PATIENCE

pytestmark = pytest.mark.slow


def test_two_servers_on_one_database_share_each_clients_write_limit(tmp_path):
    env = cli_env(tmp_path / "data", PARALLAX_RATE_LIMIT_PER_MINUTE="1", PARALLAX_RATE_LIMIT_BURST="3")
    junk = {"kind": "nothing", "id": 0}  # refused by the app (422), counted by the limit all the same
    with running_server(env) as first, running_server(env) as second:
        statuses = [httpx.post(base + "/api/snapshots", json=junk, timeout=PATIENCE).status_code
                    for base in (first, second, first, second, first)]
        assert statuses == [422, 422, 422, 429, 429]  # a burst of 3 between them, not 3 each
        limited = httpx.post(second + "/api/snapshots", json=junk, timeout=PATIENCE)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert httpx.get(first + "/api/stories", timeout=PATIENCE).status_code == 200  # reading is not limited

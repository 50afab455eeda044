"""`parallax serve --seed` (what `make run` starts) on an empty data folder serves the seeds."""
import httpx
import pytest
from bs4 import BeautifulSoup

from tests.helpers import cli_env, running_server
from tests.waiting import PATIENCE

pytestmark = pytest.mark.slow


def test_a_fresh_server_loads_the_seeds_and_lists_them(tmp_path):
    with running_server(cli_env(tmp_path / "data"), "--seed") as base:
        page = httpx.get(base + "/articles", follow_redirects=True, timeout=PATIENCE)
    # Stopping the server (SIGTERM) stops the embedded Postgres it started.
    assert not (tmp_path / "data" / "pg" / "postmaster.pid").exists()
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    items = soup.select("li.article")
    assert len(items) == 3
    titles = [li.select_one("a").get_text(strip=True) for li in items]
    assert "UN mediator stance on Ukraine dialogue and global diplomacy" in titles
    assert sum(t.startswith("[from the lede]") for t in titles) == 2
    assert "outlet unknown" in page.text

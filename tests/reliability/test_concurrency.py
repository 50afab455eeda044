"""A real server under concurrent uploads: 50 distinct articles and 10 copies of one, at once."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers import cli_env, running_server
from tests.waiting import PATIENCE, wait_until

pytestmark = pytest.mark.slow

CITIES = ["Lisbon", "Oslo", "Nairobi", "Lima", "Hanoi", "Quito", "Tbilisi", "Accra", "Dakar", "Perth", "Kyoto", "Bergen", "Cusco", "Tunis", "Riga", "Porto", "Malmo", "Leeds", "Cardiff", "Galway", "Dundee", "Bruges", "Ghent", "Utrecht", "Graz", "Linz", "Brno", "Krakow", "Gdansk", "Vilnius", "Tartu", "Turku", "Tromso", "Aarhus", "Odense", "Basel", "Lugano", "Bologna", "Verona", "Seville", "Malaga", "Bilbao", "Nantes", "Lyon", "Lille", "Toulouse", "Fresno", "Tucson", "Boise", "Halifax"]
SUBJECTS = ("ferry strike", "vaccine trial", "bank merger", "election recount", "wildfire evacuation",
            "chess tournament", "copper mine", "tram derailment", "film festival", "teacher walkout")


def article(n: int) -> str:
    city, subject = CITIES[n % len(CITIES)], SUBJECTS[n % len(SUBJECTS)]
    return (f"{city} officials discussed the {subject} on day {n % 28 + 1}, report {n} says. The {subject} in "
            f"{city} involved {n + 3} groups and cost {n * 13 + 100} thousand, according to figures released "
            f"by the {city} authorities.\n\nResidents of {city} said the {subject} was unexpected, and the "
            f"mayor of {city} promised a meeting about the {subject} before month {n % 12 + 1} ends.")


def post(base: str, payload: dict) -> httpx.Response:
    return httpx.post(base + "/api/articles", json=payload, timeout=PATIENCE)


def test_fifty_distinct_and_ten_identical_uploads_at_once(tmp_path):
    env = cli_env(tmp_path / "data", PARALLAX_RATE_LIMIT_PER_MINUTE="0")
    same = {"text": article(999), "title": "The same article"}
    payloads = [{"text": article(n), "title": f"Distinct {n}"} for n in range(50)] + [same] * 10
    with running_server(env) as base, ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda p: post(base, p), payloads))
        assert [r.status_code for r in responses if r.status_code >= 500] == []
        assert all(r.status_code == 202 for r in responses[:50]), [r.text for r in responses[:50] if r.status_code != 202]
        repeated = responses[50:]
        # Each copy either joins the one unfinished job or, once it is done, is a duplicate (422).
        assert all(r.status_code in (202, 422) for r in repeated)
        jobs = {r.json()["url"] for r in responses if r.status_code == 202}
        finished: dict[str, dict] = {}
        states: dict[str, tuple] = {}

        def all_finished() -> bool:
            for url in jobs - finished.keys():
                job = httpx.get(base + url, timeout=PATIENCE).json()
                states[url] = (job["progress"], job["attempts"])
                if job["status"] in ("done", "failed"):
                    finished[url] = job
            return len(finished) == len(jobs)

        # However slow the machine: a job changing its state is progress.
        wait_until(all_finished, what=f"{len(jobs)} jobs to finish", progress=lambda: sorted(states.items()),
                   interval=0.5)
        assert all(j["status"] == "done" for j in finished.values()), [j["error"] for j in finished.values()]
        stored = httpx.get(base + "/api/articles", timeout=PATIENCE).json()["total"]
        distinct_ids = {finished[r.json()["url"]]["result"]["article_id"] for r in responses[:50]}
        same_ids = {finished[r.json()["url"]]["result"]["article_id"] for r in repeated if r.status_code == 202}
        same_ids |= {int(r.json()["detail"][0]["msg"].rsplit("/", 1)[1].rstrip(")")) for r in repeated
                     if r.status_code == 422}
    assert len(distinct_ids) == 50 and len(same_ids) == 1 and not distinct_ids & same_ids
    assert stored == 51

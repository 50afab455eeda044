"""The framing analysis on the event, story and snapshot pages and in the API, on the seed articles:
the contrasts of seeds/README ("Framing contrasts") show up without being asked for."""

import re

import pytest
from bs4 import BeautifulSoup

from app.db.models import Article, Passage, Story
from app.ingest.seeds import read_seeds
from app.pipeline import ingest_items
from tests.conftest import SEEDS

HX = {"HX-Request": "true"}


@pytest.fixture
def seeds(session) -> dict:
    """The three seeds through the real pipeline; clustering makes their story and events."""
    list(ingest_items(session=session, items=read_seeds(SEEDS, max_bytes=2_000_000)))
    articles = {a.source_name.split("/")[-1][:3]: a for a in session.query(Article).all()}
    labels = {
        k: a.outlet.name if a.outlet else f"Unknown outlet (article {a.id})" for k, a in articles.items()
    }
    claimed = session.query(Passage).filter(Passage.text.like("Kelly claimed%")).one()
    return {
        "labels": labels,
        "story": session.query(Story).one(),
        "claimed_event": claimed.event_id,
        "claimed_passage": claimed.id,
    }


def soup(response):
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def marks(page, word):
    return [m for m in page.select("blockquote.passage mark.hl") if m.get_text() == word]


def explanation(page, mark):
    """The words the mark's tooltip shows (and screen readers read: aria-describedby)."""
    why = page.find(id=mark["aria-describedby"])
    assert why is not None and why.get_text()
    return why.get_text()


def stance_row(page, label):
    return next(r for r in page.select(".panel table.stances tbody tr") if r.th.get_text(strip=True) == label)


def test_event_page_marks_claimed_as_distancing_and_the_other_outlets_verbs_not(client, seeds):
    page = soup(client.get(f"/events/{seeds['claimed_event']}"))
    seed_000 = page.select_one(f"#passage-{seeds['claimed_passage']}")
    claimed = marks(seed_000, "claimed")
    assert len(claimed) == 1 and "hl-distancing" in claimed[0]["class"] and claimed[0]["tabindex"] == "0"
    assert "distancing attribution verb" in explanation(page, claimed[0]) and "Kelly" in explanation(page, claimed[0])
    others = [m for q in page.select("blockquote.passage") if q is not seed_000
              for m in q.select("mark.hl-attribution")]
    assert others, "the other outlets' reporting verbs are marked too"
    assert all("hl-distancing" not in m["class"] and "distancing" not in explanation(page, m) for m in others)
    contrast = page.select_one(".panel .contrast").get_text()
    assert f"{seeds['labels']['000']} reported with distancing verbs (‘claimed’)" in contrast
    others = [o for o in seeds["labels"].values() if o in contrast and o != seeds["labels"]["000"]]
    assert others and all(f"{o} used none" in contrast for o in others)
    assert (
        "‘claimed’"
        in stance_row(page, seeds["labels"]["000"]).select_one("td.stance-distancing.flagged").get_text()
    )
    titles = [h.get_text() for h in page.select(".framing .panel > h3")]
    assert titles == ["Naming", "Attribution", "Distinctive wording", "One-sided content", "Tone", "Wording diff",
                      "Coverage"]
    tone = page.select_one(".panel .tone").get_text(" ", strip=True)
    assert "Sentiment" in tone and "wording" in tone and "of content words" in tone
    assert page.select(".panel .tone .bar .fill[class*='w-']")
    assert not page.select("[style]") and not page.select("script:not([src])")


def test_story_page_contrasts_verbs_naming_and_loaded_terms(client, seeds):
    story = seeds["story"]
    page = soup(client.get(f"/stories/{story.id}"))
    a, b, c = (seeds["labels"][k] for k in ("000", "001", "002"))
    claimed_row = stance_row(page, a)
    assert "‘claimed’" in claimed_row.select_one("td.stance-distancing").get_text()
    for label, verbs in ((b, {"said", "declared", "warned"}), (c, {"explained", "noted"})):
        row = stance_row(page, label)
        assert row.select_one("td.stance-distancing").get_text(strip=True) == "0"
        used = set(re.findall(r"‘([^’]+)’", row.get_text()))
        assert verbs <= used, (label, used)

    naming = page.select_one(".panel table.naming")
    heads = [th.get_text(strip=True) for th in naming.select("thead th")][1:]
    russia = next(r for r in naming.select("tbody tr") if r.th.get_text(" ", strip=True).startswith("Russia"))
    cells = dict(zip(heads, [td.get_text(" ", strip=True) for td in russia.select("td")], strict=True))
    assert "Russian dictatorship" in cells[a] and "Kremlin" in cells[a]
    assert "Moscow" in cells[c] and "Russian president" in cells[c]
    assert "named differently" in russia.th.get_text()

    for word, reason in (
        ("dictatorship", "loaded term (pejorative label)"),
        ("unprovoked", "loaded term (evaluative modifier)"),
    ):
        found = marks(page, word)
        assert found, word
        assert reason in explanation(page, found[0])
    assert "how " + a + " names Russia" in explanation(page, marks(page, "Kremlin")[0])
    independence = page.select_one(".panel[id$='-independence']").get_text(" ", strip=True)
    assert "3 articles, 3 independent reports" in independence
    titles = [h.get_text() for h in page.select(".framing .panel > h3")]
    assert titles == ["Independence", "Naming", "Attribution", "Tone", "One-sided content", "Distinctive wording"]
    wording = page.select_one(".panel[id$='-wording']")  # one part per outlet, set side by side on desktop
    assert len(wording.select(".outlet-blocks > .outlet-block")) == 3
    assert all(b.select_one("table.terms-table") for b in wording.select(".outlet-block"))
    assert len(page.select("table.grid tbody tr")) == len(story.events)  # the coverage grid, unchanged


def test_story_page_lists_one_sided_sentences_and_underlines_them_in_the_passages(client, seeds):
    page = soup(client.get(f"/stories/{seeds['story'].id}"))
    panel = page.select_one(".framing section.panel[id$='-onesided']")
    assert panel is not None and "BASIL" in panel.get_text()
    listed = panel.select("ul.onesided-list li a")
    assert listed, "the seeds' characterisations ('unprovoked', 'dictatorship') are among the strongest"
    underlined = page.select("blockquote.passage .hl-onesided, blockquote.passage mark.hl-in-onesided")
    assert underlined and all("slanted background" in (u.get("title") or explanation(page, u)) for u in underlined)
    first = listed[0]
    target = page.select_one(first["href"])
    assert target is not None and target.select(".hl-onesided, mark.hl-in-onesided")


def test_a_story_from_one_outlet_says_it_has_nothing_to_compare_yet(client, session):
    first = next(iter(read_seeds(SEEDS, max_bytes=2_000_000)))
    list(ingest_items(session=session, items=[first]))
    page = soup(client.get(f"/stories/{session.query(Story).one().id}"))
    assert "Only one outlet has reported this story so far" in page.select_one(".framing").get_text(" ", strip=True)
    assert page.select_one(".panel[id$='-independence']") is None


def test_api_returns_the_framing_and_documents_it(client, seeds):
    event = client.get(f"/api/events/{seeds['claimed_event']}").json()
    framing = event["framing"]
    assert {"naming", "wording", "attribution", "tone", "diffs", "omitted_by", "explain"} <= set(framing)
    verbs = {a["verb"]: a["stance"] for o in framing["attribution"] for a in o["attributions"]}
    assert verbs["claimed"] == "distancing"
    story = client.get(f"/api/stories/{seeds['story'].id}").json()
    assert story["framing"]["independence"]["summary"] == "3 articles, 3 independent reports"
    assert str(seeds["claimed_event"]) in story["framing"]["events"]
    lemmas = {o["outlet"]: o["verbs"] for o in story["framing"]["attribution"]}
    assert {"say", "declare", "warn"} <= set(lemmas[seeds["labels"]["001"]])
    assert {"explain", "note"} <= set(lemmas[seeds["labels"]["002"]])
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "framing analysis" in schemas["EventComparison"]["properties"]["framing"]["description"]
    assert "independence" in schemas["StoryOverview"]["properties"]["framing"]["description"]


def test_a_snapshot_keeps_the_framing_it_was_taken_with(client, session, seeds, monkeypatch):
    event_id = seeds["claimed_event"]
    page = client.get(f"/events/{event_id}")
    form = {i["name"]: i["value"] for i in soup(page).select("form[action='/snapshots'] input[type=hidden]")}
    shared = client.post("/snapshots", data=form, headers=HX)  # the HTMX variant: only the share block
    assert shared.status_code == 201 and "<html" not in shared.text and "framing" not in shared.text
    location = BeautifulSoup(shared.text, "html.parser").select_one(".copy-row a")["href"]

    passage = session.get(Passage, seeds["claimed_passage"])
    passage.text = passage.text.replace("Kelly claimed", "Kelly said", 1)
    session.commit()
    live = soup(client.get(f"/events/{event_id}"))
    assert not marks(live, "claimed") or all("Kelly" not in explanation(live, m) for m in marks(live, "claimed"))

    def not_again(*args, **kwargs):
        raise AssertionError("a snapshot page must show its frozen framing, not recompute it")

    monkeypatch.setattr("app.browse.framing.analyse_event", not_again)
    monkeypatch.setattr("app.browse.framing.analyse_story", not_again)
    frozen = soup(client.get(location))
    claimed = marks(frozen.select_one(f"#passage-{seeds['claimed_passage']}"), "claimed")
    assert claimed and "hl-distancing" in claimed[0]["class"]
    assert "reported with distancing verbs (‘claimed’)" in frozen.select_one(".panel .contrast").get_text()
    snapshot = client.get(f"/api/snapshots/{location.rsplit('/', 1)[1]}").json()
    assert snapshot["payload"]["framing"]["attribution"]


def test_story_page_leads_with_what_differs_each_finding_linked_to_its_evidence(client, seeds):
    """seeds/README: 000 says Kelly "claimed" and "attempted to"; the other two report with neutral verbs."""
    story = seeds["story"]
    page = soup(client.get(f"/stories/{story.id}"))
    box = page.select_one("section.findings")
    assert box is not None and box.find_previous("h1") is not None
    assert page.select("section")[0] is box or box.sourceline < page.select_one("section.coverage").sourceline
    items = box.select("li.finding")
    assert 1 <= len(items) <= 5
    distancing = next(li for li in items if "finding-distancing" in li["class"])
    assert seeds["labels"]["000"] in distancing.text and "“claimed”" in distancing.text
    for li in items:  # every "Evidence" link lands on a panel of this page
        target = li.select_one("a.evidence")["href"].removeprefix("#")
        assert page.find(id=target) is not None, target
    api = client.get(f"/api/stories/{story.id}").json()
    assert [f["text"] for f in api["framing"]["findings"]] == [" ".join(li.text.split()).removesuffix(" Evidence")
                                                                for li in items]

"""The framing contrasts listed in ../shared/seeds/README.md, found unprompted: each seed is one
outlet, all their passages go into analyse_story, and the panels must show the contrast."""
from tests.framing.conftest import by_outlet

A, B, C = "seed-000", "seed-001", "seed-002"


def naming_row(story, referent):
    return next(r for r in story.naming if r.referent == referent)


def terms(row, outlet):
    return {t.term for t in row.terms.get(outlet, [])}


def loaded(story, outlet):
    return {h.span.text.lower(): h.category for h in by_outlet(story.wording, outlet).loaded}


def test_the_war_itself_is_named_differently(seed_story):
    war = naming_row(seed_story, "the war")
    assert {"unprovoked invasion", "full-scale invasion"} <= terms(war, A)
    assert "invasion" in terms(war, B)
    assert "ongoing military operation" in terms(war, C)
    assert loaded(seed_story, A)["unprovoked"] == "evaluative modifier"
    assert loaded(seed_story, C)["military operation"] == "euphemism"
    kremlin = next(a for a in by_outlet(seed_story.attribution, C).attributions if a.speaker == "Kremlin")
    assert kremlin.verb == "describes" and "demilitarizing Ukraine" in kremlin.content.text


def test_the_actors_are_named_differently_under_one_referent(seed_story):
    russia = naming_row(seed_story, "Russia")
    assert russia.outlets == 3 and russia.varied
    assert {"Russian dictatorship", "Kremlin"} <= terms(russia, A)
    assert "Russian President Vladimir Putin" in terms(russia, B)  # only 001 names him: its name for Russia
    assert {"Moscow", "Russian president"} <= terms(russia, C)
    assert loaded(seed_story, A)["dictatorship"] == "pejorative label"
    assert "dictatorship" not in loaded(seed_story, B) and "dictatorship" not in loaded(seed_story, C)


def test_attribution_verbs_claimed_vs_said_vs_explained(seed_story):
    verbs = {o: by_outlet(seed_story.attribution, o) for o in (A, B, C)}
    kelly = [a for a in verbs[A].attributions if a.speaker == "Kelly"]
    assert ("claimed", "distancing") in {(a.verb, a.stance) for a in kelly}
    assert {"attempted to", "claiming"} <= {a.verb for a in verbs[A].attributions if a.stance == "distancing"}
    assert {"say", "declare", "warn"} <= set(verbs[B].verbs)
    assert verbs[B].stance_counts["distancing"] == 0
    assert {"explain", "note"} <= set(verbs[C].verbs)
    assert verbs[C].stance_counts["distancing"] == 0
    assert verbs[A].stance_counts["distancing"] > verbs[B].stance_counts["distancing"]


def test_ceasefire_wording(seed_story):
    ceasefire = naming_row(seed_story, "the ceasefire")
    assert terms(ceasefire, A) == {"full ceasefire"}
    assert terms(ceasefire, C) == {"verifiable ceasefires"}
    assert B not in ceasefire.terms


def test_responsibility(seed_story):
    top_a = [d.term for d in by_outlet(seed_story.wording, A).distinctive][:3]
    assert "responsibility" in top_a
    trump = next(a for a in by_outlet(seed_story.attribution, B).attributions
                 if a.speaker == "Trump" and a.verb == "suggested")
    assert "responsible for starting the war" in trump.content.text
    assert loaded(seed_story, B)["untrue"] == "doubt marker"
    c_text = " ".join(s.text for t in by_outlet(seed_story.tone, C).passages for s in t.evaluative).lower()
    assert "responsib" not in c_text and "blame" not in loaded(seed_story, C)


def test_the_un_bodies_each_outlet_reports(seed_story):
    assert "security council" in {d.term for d in by_outlet(seed_story.wording, A).distinctive}
    un = naming_row(seed_story, "United Nations")
    assert un.outlets == 3
    speakers = by_outlet(seed_story.attribution, C).speakers
    assert "UN spokesperson" in speakers


def test_tone_differs(seed_story):
    tone = {o: by_outlet(seed_story.tone, o) for o in (A, B, C)}
    assert tone[C].compound > 0 > tone[B].compound
    assert tone[A].subjectivity > tone[C].subjectivity

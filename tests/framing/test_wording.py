from collections import Counter

from app.framing.lexicon import find_loaded
from app.framing.wording import analyse_wording, log_odds_z, terms
from tests.framing.conftest import passage


def test_log_odds_favours_frequent_lopsided_words():
    mine = Counter({"dictatorship": 5, "war": 3})
    rest = Counter({"war": 3, "president": 5})
    z = log_odds_z(mine, rest, mine + rest)
    assert z["dictatorship"] > 1.0 > z["war"]
    assert abs(z["war"]) < 0.5


def test_terms_are_unigrams_and_bigrams_with_offsets_not_crossing_punctuation():
    p = passage("Russia’s unprovoked invasion. Ceasefire now.")
    found = {t: p.text[s:e] for t, s, e in terms(p)}
    assert found["unprovoked invasion"] == "unprovoked invasion"
    assert "invasion ceasefire" not in found


def test_distinctive_terms_of_one_outlet_against_another():
    a = [passage("The Russian dictatorship launched an unprovoked invasion. The Russian dictatorship lied.",
                 id=1, outlet="a")]
    b = [passage("The Russian president launched a military operation. The Russian president spoke.",
                 id=2, outlet="b")]
    result = {w.outlet: w for w in analyse_wording(a + b)}
    top = [d.term for d in result["a"].distinctive]
    assert "russian dictatorship" in top[:3]
    d = next(d for d in result["a"].distinctive if d.term == "russian dictatorship")
    assert d.count == 2 and d.others == 0 and len(d.spans) == 2 and d.explain


def test_loaded_lexicon_hits_carry_category_and_span():
    p = passage("the Kremlin’s so-called peace plan, a sham, slammed by critics as the regime’s propaganda")
    hits = {h.span.text: h.category for h in find_loaded(p)}
    assert hits == {"so-called": "doubt marker", "sham": "evaluative modifier", "slammed": "charged verb",
                    "regime": "pejorative label", "propaganda": "pejorative label"}


def test_loaded_lexicon_does_not_fire_inside_other_words():
    assert find_loaded(passage("The regimental band played a claimant's tune; no dictation.")) == []


def test_a_loaded_term_inside_a_direct_quote_is_listed_as_the_speakers_not_the_outlets():
    quoting = passage("“This so-called reform is a disaster,” the senator said of the regime’s plan.", outlet="a")
    other = passage("The senator criticised the plan on Tuesday.", id=2, outlet="b")
    [mine, _] = analyse_wording([quoting, other])
    assert [h.span.text for h in mine.loaded] == ["regime"] and mine.loaded_count == 1
    assert [h.span.text for h in mine.quoted_loaded] == ["so-called"]

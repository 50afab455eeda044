from collections import Counter

from app.framing.evaluative import rarity
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


def _evaluative(*texts, outlet="a"):
    ps = [passage(t, id=i, outlet=outlet) for i, t in enumerate(texts)]
    [mine] = analyse_wording(ps)
    return mine


def test_charged_words_are_marked_as_evaluative_and_plain_reporting_is_not():
    mine = _evaluative("The senator gave a scathing, vitriolic speech about the new budget on Monday, and aides "
                       "said the plan would cut spending on schools by ten percent over the next three years.")
    marked = [h.span.text for h in mine.evaluative]
    assert marked and set(marked) <= {"scathing", "vitriolic"}
    assert "new" not in marked and "Monday" not in marked and "senator" not in marked


def test_each_evaluative_word_says_what_weighed_most():
    mine = _evaluative("Critics called the plan a shameless, cynical and dishonest ploy that would gut schools.")
    assert {h.span.text for h in mine.evaluative} >= {"shameless", "dishonest"}
    for hit in mine.evaluative:
        kind, _, why = hit.category.partition(": ")
        assert kind == "evaluative word" and why, hit


def test_a_word_the_lexicon_marks_is_not_marked_again_as_evaluative():
    mine = _evaluative("The regime's so-called reform drew scathing criticism from the opposition on Tuesday.")
    assert [h.span.text for h in mine.loaded] == ["regime", "so-called"]
    assert not {h.span.text for h in mine.evaluative} & {"regime", "so-called", "so", "called"}


def test_evaluative_words_go_where_the_article_is_charged_not_one_per_passage():
    mine = _evaluative("The committee met on Tuesday in the capital and reviewed the budget for the coming year, "
                       "as it does every spring, before sending its report to the full chamber for a vote.",
                       "Critics called the plan a grotesque, shameless giveaway, a cynical and dishonest ploy "
                       "that would gut schools while rewarding donors, and vowed to fight it.")
    assert {h.span.passage_id for h in mine.evaluative} == {1}


def test_evaluative_words_inside_a_quote_are_the_speakers_and_listed_apart():
    mine = _evaluative("“This is a grotesque and shameless giveaway,” the senator said of the budget, which the "
                       "committee sent to the chamber on Tuesday after a long debate about school funding.")
    assert {h.span.text for h in mine.quoted_evaluative} & {"grotesque", "shameless"}
    assert not {h.span.text for h in mine.evaluative} & {"grotesque", "shameless"}


def test_names_connectives_relational_adjectives_and_the_storys_own_nouns_are_not_evaluative():
    story = [passage("Additionally, the presidential envoy met Kyiv officials about the war and called the "
                     "offer a grotesque, shameless sham that would betray every family still waiting for news.",
                     id=1, outlet="a"),
             passage("The envoy discussed the war with officials in the capital on Monday afternoon.", id=2, outlet="b")]
    [mine, _] = analyse_wording(story)
    marked = {h.span.text for h in mine.evaluative}
    assert marked & {"grotesque", "shameless", "betray"}
    assert not marked & {"Additionally", "presidential", "Kyiv", "war"}


def test_a_reason_never_calls_a_common_word_rare_nor_names_its_sentiment_twice():
    mine = _evaluative("The talks failed badly, and the plan failed to gather the support of allies, a "
                       "shameless and cynical betrayal, critics said.")
    reasons = {h.span.text: h.category for h in mine.evaluative}
    assert reasons, mine
    for word, category in reasons.items():
        if rarity(word.lower()) < 3:
            assert "rare word" not in category, (word, category)
        assert not ("a sentiment word" in category and "negative sentiment word" in category), category

"""An outlet's profile across stories: each pattern stated only when it holds in two stories or
more, against the other outlets of the same stories, with the stories and events that show it."""
import pytest

from app.framing.profile import outlet_profile


def framing(*, naming=(), attribution=(), tone=(), coverage=(), outlets=("A", "B", "C")) -> dict:
    """The parts of a StoryFraming's JSON the profile reads."""
    return {
        "outlets": list(outlets),
        "naming": [{"referent": ref, "terms": {o: [{"term": t, "count": 1}] for o, t in terms.items()}}
                   for ref, terms in naming],
        "attribution": [{"outlet": o, "stance_counts": {s: n for s, n in counts.items() if s != "verbs"},
                         "attributions": [{"verb": v, "stance": "distancing"} for v in counts.get("verbs", [])]}
                        for o, counts in attribution],
        "tone": [{"outlet": o, "compound": c} for o, c in tone],
        "coverage": [{"outlet": o, "events": {str(e): 1 for e in events}} for o, events in coverage],
    }


REGIME = ("Iran", {"A": "the regime", "B": "the Iranian government", "C": "Tehran"})


def test_a_name_is_a_preference_when_it_differs_from_every_other_outlet_in_two_stories():
    shared = ("Iran", {"A": "Tehran", "B": "the Iranian government", "C": "Tehran"})
    spelling = ("United States", {"A": "the US", "B": "U.S."})
    one_story = ("Israel", {"A": "the Zionist entity", "B": "Israel"})
    profile = outlet_profile("A", [(7, framing(naming=[REGIME, spelling, one_story])),
                                   (5, framing(naming=[REGIME, spelling])), (3, framing(naming=[shared]))])
    [name] = profile.names
    assert (name.referent, name.term, name.stories) == ("Iran", "the regime", [7, 5])
    assert name.others == ["the Iranian government", "Tehran"]


@pytest.mark.parametrize("stories, expected", [
    ([(1, framing(outlets=["A", "B"])), (2, framing(outlets=["A", "C"]))], (2, 2, True)),
    ([(1, framing(outlets=["A", "B"])), (2, framing(outlets=["A"]))], (2, 1, False)),  # alone: nothing to compare
    ([(1, framing(outlets=["A", "B"])), (2, framing(outlets=["B", "C"]))], (1, 1, False)),  # not in story 2
])
def test_only_stories_with_the_outlet_and_another_are_compared(stories, expected):
    profile = outlet_profile("A", stories)
    assert (profile.stories, profile.compared, profile.enough) == expected


def test_the_stance_mix_counts_its_statements_against_the_others_in_the_same_stories():
    first = framing(attribution=[("A", {"neutral": 1, "distancing": 2, "verbs": ["claimed", "Claimed"]}),
                                 ("B", {"neutral": 3})])
    second = framing(attribution=[("A", {"neutral": 2, "distancing": 1, "verbs": ["alleged"]}),
                                  ("C", {"neutral": 2, "endorsing": 2})])
    mix = outlet_profile("A", [(1, first), (2, second)]).stance
    assert mix.own == {"neutral": 3, "distancing": 3, "endorsing": 0, "emphatic": 0}
    assert mix.others == {"neutral": 5, "distancing": 0, "endorsing": 2, "emphatic": 0}
    assert mix.distancing_verbs == [("claimed", 2), ("alleged", 1)] and mix.distancing_stories == [1, 2]
    assert outlet_profile("A", [(1, first)]).stance is None  # one story
    few = framing(attribution=[("A", {"neutral": 1}), ("B", {"neutral": 3})])
    assert outlet_profile("A", [(1, few), (2, few)]).stance is None  # two statements


def test_tone_is_the_mean_gap_to_the_other_outlets_of_each_story():
    profile = outlet_profile("A", [(1, framing(tone=[("A", -0.5), ("B", 0.1), ("C", 0.3)])),
                                   (2, framing(tone=[("A", 0.2), ("B", 0.0)]))])
    assert profile.tone.mean_gap == pytest.approx((-0.7 + 0.2) / 2)
    assert [g.story_id for g in profile.tone.stories] == [1, 2]  # widest gap first
    assert outlet_profile("A", [(1, framing(tone=[("A", -0.5), ("B", 0.1)]))]).tone is None


def test_events_left_out_are_those_two_other_outlets_report():
    first = framing(coverage=[("A", [11]), ("B", [11, 12, 13]), ("C", [11, 12])])  # 13: B alone
    second = framing(coverage=[("A", []), ("B", [21]), ("C", [21]), ("D", [21])], outlets=("A", "B", "C", "D"))
    profile = outlet_profile("A", [(1, first), (2, second)])
    assert [(x.event_id, x.story_id, x.reported_by) for x in profile.left_out] == [(21, 2, 3), (12, 1, 2)]
    assert (profile.left_out_total, profile.shared_events) == (2, 3)

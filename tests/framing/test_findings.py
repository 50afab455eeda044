"""What differs: findings stated only when the signal is strong enough, in words that say what they count."""
from app.framing.common import Span
from app.framing.coverage import OutletCoverage
from app.framing.findings import MAX_FINDINGS, event_findings, naming, omission_in_story, tone
from app.framing.naming import NamingRow, Term
from app.framing.one_sided import OneSidedSentence, OutletOneSided
from app.framing.tone import OutletTone, PassageTone


def tones(*pairs):
    return [OutletTone(outlet, compound, 0.5, [PassageTone(i, compound, 0.5) for i in range(n)], [])
            for outlet, compound, n in pairs]


def row(referent, **terms):
    return NamingRow(referent, "state", {o: [Term(t, n)] for o, (t, n) in terms.items()}, len(terms), True)


def test_a_tone_gap_is_stated_only_when_wide_and_over_several_passages():
    assert tone(tones(("A", -0.3, 4), ("B", 0.0, 4))) == []  # 0.3 apart: too close to say
    assert tone(tones(("A", -0.6, 1), ("B", 0.4, 5))) == []  # one passage says nothing of an outlet
    [f] = tone(tones(("A", -0.5, 3), ("B", 0.1, 4)))
    assert f.text.startswith("A reads more negative than B") and "-0.50 against +0.10" in f.text and f.panel == "tone"


def test_naming_differences_skip_spellings_of_one_name():
    same = [row("United States", A=("US", 4), B=("U.S.", 8), C=("the United States", 3)),
            row("Donald Trump", A=("Trump", 5), B=("President Donald Trump", 2))]
    assert naming(same) == []
    [f] = naming([row("Russia", A=("the Russian dictatorship", 3), B=("Russia", 5), C=("Moscow", 2))])
    assert f.text == 'Russia is named differently: A “the Russian dictatorship” (3 times); B “Russia” (5 times); C “Moscow” (2 times).'
    assert naming([row("Russia", A=("the Russian dictatorship", 1), B=("Russia", 5))]) == []  # once is not a choice


def test_an_outlet_leaving_out_events_two_others_report_is_stated_with_the_count():
    def cov(outlet, events, missed):
        return OutletCoverage(outlet, [1], 3, {e: 1 for e in events}, missed, [])

    found = omission_in_story([cov("A", [1, 2, 3], []), cov("B", [1, 2, 3], []), cov("C", [1], [2, 3])])
    assert [f.text for f in found] == ["C leaves out 2 of the 3 events that at least two other outlets report."]
    several = omission_in_story([cov("A", [1, 2, 3], []), cov("B", [1, 2, 3], []), cov("C", [1], [2, 3]),
                                 cov("D", [1, 2], [3])])
    assert [f.text for f in several] == [  # one finding, the largest share first
        "Events that at least two other outlets report, left out: C 2 of 3; D 1 of 3."]


def test_an_event_lists_at_most_five_findings_strongest_first():
    one_sided = [OutletOneSided("A", [OneSidedSentence(Span(1, 0, 5, "words"), 0.9, ["x"])] * 4, 8),
                 OutletOneSided("B", [], 9)]
    rows = [row(f"Thing {k}", A=(f"word{k}", 3), B=(f"other{k}", 3)) for k in range(4)]
    found = event_findings(outlets=["A", "B"], omitted_by=["C"], naming_rows=rows, attribution=[],
                           tone_rows=tones(("A", -0.6, 2), ("B", 0.3, 2)), one_sided_rows=one_sided)
    assert len(found) == MAX_FINDINGS
    assert [f.kind for f in found] == ["omission", "naming", "naming", "one_sided", "tone"]
    assert found[0].text == "C covers the story but reports nothing of this event, which 2 other outlets report."

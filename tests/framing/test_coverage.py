from app.framing.coverage import analyse_coverage
from tests.framing.conftest import passage


def test_events_missed_solo_events_and_unassigned_passages():
    a1, a2 = passage("x", id=1, outlet="a", article_id=1), passage("y", id=2, outlet="a", article_id=1)
    b1 = passage("x", id=3, outlet="b", article_id=2)
    lonely = passage("Written by nobody else: Danish Prime Minister Mette Frederiksen warned of danger.",
                     id=4, outlet="b", article_id=2)
    cov = {c.outlet: c for c in analyse_coverage({10: [a1, b1], 11: [a2]}, [lonely])}
    assert cov["a"].events == {10: 1, 11: 1} and cov["a"].missed_events == [] and cov["a"].solo_events == [11]
    assert cov["b"].events == {10: 1} and cov["b"].missed_events == [11]
    assert [s.passage_id for s in cov["b"].only_here] == [4]
    assert cov["b"].only_here[0].text == lonely.text

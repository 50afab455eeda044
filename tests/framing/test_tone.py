from app.framing.tone import analyse_tone
from tests.framing.conftest import docs_for, passage


def tone(*texts):
    ps = [passage(t, id=i) for i, t in enumerate(texts)]
    return analyse_tone(ps, docs_for(*ps))[0]


def test_compound_sign_and_strongest_sentence():
    t = tone("These attacks have killed numerous civilians and destroyed critical infrastructure. "
             "The meeting ended at noon.")
    assert t.compound < -0.5
    assert t.strongest[0].span.text.startswith("These attacks have killed")


def test_subjectivity_counts_evaluative_words_and_shows_them():
    loaded = tone("A conflict sparked by Russia’s unprovoked invasion and a full-scale invasion by the "
                  "Russian dictatorship.")
    plain = tone("The UN spokesperson said a formal report on the matter is expected upon the "
                 "Secretary-General’s return to New York.")
    assert loaded.subjectivity > plain.subjectivity
    assert {s.text for s in loaded.passages[0].evaluative} >= {"unprovoked", "dictatorship"}
    assert loaded.explain and loaded.passages[0].explain


def test_words_inside_direct_quotes_are_the_speakers_not_the_outlets():
    quoting = tone("“It is a devastating, horrific and disgraceful ruling,” the clinic director said. "
                   "The court ruled on Friday.")
    assert abs(quoting.compound) < 0.05 and quoting.subjectivity == 0.0
    assert all(abs(s.compound) < 0.05 for s in quoting.strongest)
    own = tone("It is a devastating, horrific and disgraceful ruling, the editors wrote. The court ruled on Friday.")
    assert own.compound < -0.5 and own.subjectivity > 0

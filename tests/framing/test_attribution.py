"""Attribution on real seed sentences (and two constructed ones where the seeds have no example)."""
import pytest

from app.framing.attribution import analyse_attribution
from tests.framing.conftest import docs_for, passage, seed_passages


def attributions(*texts):
    ps = [passage(t, id=i) for i, t in enumerate(texts)]
    return analyse_attribution(ps, docs_for(*ps))[0].attributions


def one(text, verb):
    return next(a for a in attributions(text) if a.verb == verb)


@pytest.mark.parametrize("sentence, verb, speaker, stance", [
    ("Kelly claimed that both Kyiv and Moscow could receive “huge benefits” by agreeing to US-backed peace "
     "proposals.", "claimed", "Kelly", "distancing"),
    ("Frustrated with the current outcome, Zelenskyy declared that he would not accept the result of these "
     "talks if they were held “behind Ukraine’s back.”", "declared", "Zelenskyy", "emphatic"),
    ("While reflecting on these talks, U.S. Secretary of State Marco Rubio said, “We not only listened but also "
     "heard each other.”", "said", "U.S. Secretary of State Marco Rubio", "neutral"),
    ("This stance was conveyed by the UN spokesperson, who explained that the Secretary-General is ready to help "
     "mediate conflicts when both sides show a genuine interest in engaging.", "explained", "UN spokesperson",
     "endorsing"),
    ("The spokesperson also noted that a formal report on the matter is expected upon the Secretary-General’s "
     "return to New York.", "noted", "spokesperson", "endorsing"),
    ("When reflecting on the current geopolitical situation, Danish Prime Minister Mette Frederiksen warned of "
     "possible danger ahead.", "warned", "Danish Prime Minister Mette Frederiksen", "emphatic"),
])
def test_reporting_verb_speaker_and_stance(sentence, verb, speaker, stance):
    a = one(sentence, verb)
    assert (a.speaker, a.stance) == (speaker, stance)
    assert a.verb_span.text == verb and a.verb_span.passage_id == 0


def test_attempted_to_and_claiming_are_distancing_and_name_the_apposed_speaker():
    found = attributions("Meanwhile, during the same Security Council session, the Russian Federation’s Permanent "
                         "Representative, Vasily Nebenzya, attempted to blame Ukraine for civilian casualties, "
                         "claiming that the Russian armed forces are only targeting military infrastructure.")
    assert [(a.verb, a.stance, a.speaker) for a in found] == [
        ("attempted to", "distancing", "Vasily Nebenzya"), ("claiming", "distancing", "Vasily Nebenzya")]


def test_quote_goes_to_the_speaker_after_it_and_its_continuation_too():
    text = ("He also referenced US President Donald Trump’s call for Russia to halt these strikes. “Russia has a "
            "great opportunity to achieve lasting peace. The responsibility lies with both countries,” Kelly said. "
            "“The leaders of both must decide whether peace is possible.”")
    said = one(text, "said")
    assert said.speaker == "Kelly"
    assert [q.text[:12] for q in said.quotes] == ["“Russia has ", "“The leaders"]


def test_pronoun_speaker_resolves_to_last_named_person():
    found = attributions("Kelly claimed that both Kyiv and Moscow could receive “huge benefits”. He emphasised "
                         "that peace must begin with a full ceasefire, though he acknowledged that Russia has "
                         "continued to carry out intense and deadly strikes on Ukraine in recent months.")
    assert [(a.verb, a.speaker, a.source) for a in found] == [
        ("claimed", "Kelly", "named"), ("emphasised", "Kelly", "pronoun"), ("acknowledged", "Kelly", "pronoun")]


def test_denial_is_flagged_negated():
    a = one("However, White House officials denied these claims.", "denied")
    assert a.negated and a.speaker == "White House officials"


def test_did_not_say_is_negated():  # constructed: the seeds have no "did not say"
    a = one("Kelly did not say that Russia started the war.", "say")
    assert a.negated and a.speaker == "Kelly"


def test_vague_sources_are_flagged():
    found = attributions("Analysts caution that any mediation effort must be robust and credible, with real "
                         "consequences if commitments are breached. Observers remind audiences that peace often "
                         "requires steady, incremental steps, cultivating trust on all sides.")
    assert [(a.verb, a.source) for a in found] == [("caution", "vague"), ("remind", "vague")]


def test_passive_claim_without_agent_is_unattributed():  # constructed
    a = one("It is claimed that the strikes only targeted military infrastructure.", "claimed")
    assert a.source == "unattributed" and a.speaker is None and a.passive


def test_hearsay_adverb_is_unattributed():  # constructed
    a = one("The suspect allegedly planned the attack for weeks.", "allegedly")
    assert (a.source, a.stance) == ("unattributed", "distancing")


def test_quote_inside_a_quote_is_kept_nested_and_the_inner_report_marked():  # constructed
    found = attributions("“He told me ‘we will never accept a ceasefire’ and hung up,” the envoy said.")
    outer = next(a for a in found if a.verb == "said")
    assert outer.speaker == "envoy"
    assert [q.text for q in outer.nested_quotes] == ["‘we will never accept a ceasefire’"]
    inner = next(a for a in found if a.verb == "told")
    assert inner.inside_quote


def test_outlet_summary_counts_verbs_by_stance():
    ps = seed_passages(0)
    summary = analyse_attribution(ps, docs_for(*ps))[0]
    assert summary.verbs["claim"] == 2
    assert summary.stance_counts["distancing"] >= 3
    assert summary.explain


def test_a_verb_with_other_uses_is_no_report_when_it_introduces_neither_a_clause_nor_speech():  # reported in review
    found = attributions("Employees must show a so-called “Green Pass” to enter offices, the government said.")
    assert [(a.speaker, a.verb) for a in found] == [("government", "said")]
    assert [a.verb for a in attributions("The minister added a new clause to the bill.")] == []
    assert [a.verb for a in attributions("Data show that claims fell last week.")] == ["show"]
    assert [a.verb for a in attributions("He added: “We will act.”")] == ["added"]


def test_the_subject_of_set_to_or_expected_to_is_the_speaker():  # constructed, reported in review
    [found] = attributions("The U.S. is set to announce that all international visitors must be vaccinated.")
    assert (found.speaker, found.verb, found.source) == ("U.S.", "announce", "named")


def _quoted(found, words):
    return next(a for a in found if any(words in q.text for q in a.quotes))


def test_a_quote_continued_in_the_next_paragraph_and_passage_keeps_its_speaker():  # constructed, BASIL-style
    found = attributions(
        "“We will rebuild the pier before the summer,” Mayor Ana Silva said on Monday.\n\n"
        "“Nobody in this town will be left waiting for help.”",
        "“The harbour has survived worse storms than this one.”")
    assert _quoted(found, "Nobody in this town").speaker == "Mayor Ana Silva"
    assert _quoted(found, "survived worse storms").speaker == "Mayor Ana Silva"


def test_a_report_in_between_ends_the_continuation():  # constructed
    found = attributions("“We will rebuild the pier,” Mayor Ana Silva said. The council said it had no money left.\n\n"
                         "“There is no plan at all.”")
    assert [a.speaker for a in found if any("no plan at all" in q.text for q in a.quotes)] in ([], ["council"])


def test_a_quote_never_continues_into_another_article():  # constructed
    ps = [passage("“We will rebuild the pier before the summer,” Mayor Ana Silva said on Monday.", id=0,
                  article_id=0),
          passage("“Nobody in this town will be left waiting for help, whatever the cost.”", id=1, article_id=1)]
    found = analyse_attribution(ps, docs_for(*ps))[0]
    assert not any("Nobody in this town" in q.text for a in found.attributions for q in a.quotes)
    assert [q.text[:12] for q in found.unattributed_quotes] == ["“Nobody in t"]


def test_he_before_any_named_speaker_is_the_last_person_named():  # constructed, BASIL-style
    found = attributions("Senator Tom Reed visited the flooded plant on Monday with two engineers. "
                         "“It is a disgrace that nobody came sooner,” he said.")
    assert _quoted(found, "It is a disgrace").speaker == "Reed"


def test_a_subject_inside_the_quote_is_not_the_speaker():  # BASIL: "..., China," Mr. Trump wrote
    found = attributions("“All of the fools focused on Russia should start looking in another direction, China,” "
                         "Mr. Trump wrote.")
    assert _quoted(found, "All of the fools").speaker == "Mr. Trump"


def test_calling_something_a_quote_is_a_report_and_calling_for_a_vote_is_not():  # BASIL, issue 17
    found = attributions("Senator Marco Rubio took a swipe at Hillary Clinton, calling her tenure "
                         "\"ineffective at best and dangerously negligent at worst.\"")
    assert _quoted(found, "dangerously negligent").verb == "calling"
    assert not [a for a in attributions("He called for a vote on the bill.") if a.lemma == "call"]


def test_a_report_in_the_sentence_after_a_quote_takes_it():  # BASIL: "...?" Akin continued.
    found = attributions("\"Why can't Mitt Romney run his race and I'll run mine?\" Akin continued.")
    assert _quoted(found, "Why can't Mitt Romney").speaker == "Akin"


def test_the_senator_is_the_senator_the_article_named():  # constructed, BASIL-style
    found = attributions("Sen. Marco Rubio spoke in Miami on Wednesday with Governor Rick Scott beside him. "
                         "“We will not stand by,” the senator said.")
    assert _quoted(found, "We will not stand by").speaker == "Rubio"


def test_he_or_she_is_the_subject_of_the_last_main_clause_not_the_last_name():  # BASIL, Pelosi and Ryan
    found = attributions("“That just makes my stomach sick,” Ryan said earlier this month.\n\n"
                         "Pelosi did not agree with Ryan’s assessment in a Monday interview.\n\n"
                         "“I have strong support from our friends in the unions,” she said.")
    assert _quoted(found, "strong support").speaker == "Pelosi"


def test_a_statement_that_continues_speaks_for_the_last_named_speaker():  # BASIL: Trump's statement
    found = attributions("“She should get out of this race,” Trump said in a statement released by his campaign. "
                         "“Our leaders are weak,” the statement continued.")
    assert _quoted(found, "Our leaders are weak").speaker == "Trump"


def test_an_account_or_statement_speaks_for_its_owner():  # BASIL: "Trump's account tweeted"
    found = attributions("This was after Trump’s account tweeted Saturday: “I had to fire General Flynn.”")
    assert _quoted(found, "I had to fire").speaker == "Trump"


def test_before_claiming_has_the_subject_of_the_verb_it_follows():  # constructed
    found = attributions("“The budget is balanced,” Reed said, before again claiming that the deficit “is gone.”")
    assert [(a.verb, a.speaker) for a in found] == [("said", "Reed"), ("claiming", "Reed")]


@pytest.mark.parametrize("sentence, speaker", [
    ("The lawsuit from Ohio and Utah argues that the dam “was never safe.”", "Ohio and Utah"),
    ("The Sierra Club letter says the plan is “reckless.”", "Sierra Club"),
    ("The letter says the plan is “reckless.”", "letter"),
])
def test_a_document_speaks_for_the_author_its_noun_phrase_names(sentence, speaker):  # constructed
    assert _quoted(attributions(sentence), "“").speaker == speaker


def test_a_speaker_is_described_as_the_article_first_named_them():  # constructed
    found = attributions("“The dam will hold,” said Senator Tom Reed, Democrat of Ohio, who visited the site. "
                         "“We checked it twice,” he added.",
                         "Reed later told reporters that the repairs were “long overdue.”")
    assert [(a.speaker, a.described_as) for a in found if a.quotes] == [
        ("Senator Tom Reed", "Senator Tom Reed, Democrat of Ohio"), ("Reed", "Senator Tom Reed, Democrat of Ohio"),
        ("Reed", "Senator Tom Reed, Democrat of Ohio")]


def test_a_description_keeps_the_words_as_written():  # constructed
    found = attributions("“The dam will hold,” Rep. Tom Reed, D-Ohio, told reporters. “We checked it,” he added.")
    assert {a.described_as for a in found if a.quotes} == {"Rep. Tom Reed, D-Ohio"}


def test_a_description_leaves_out_the_article_and_the_quote_marks_before_it():  # constructed
    found = attributions("“We will win,” the Ohio Tea Party organizer Tom Reed said.")
    assert _quoted(found, "We will win").described_as == "Ohio Tea Party organizer Tom Reed"


def test_a_report_in_the_next_paragraph_does_not_take_a_quote_closed_before_it():  # constructed
    found = attributions("Reed was quick to answer: \"That is not true. ... Not a word of it is accurate.\"\n\n"
                         "Silva added: \"The pier is safe.\"")
    assert "Silva" not in {a.speaker for a in found if any("Not a word" in q.text for q in a.quotes)}


@pytest.mark.parametrize("texts, words, speaker", [
    pytest.param(("“The plant must close,” Mayor Tom Reed said on Monday.\n\nJane Ortiz disagreed with him.",
                  "“We will keep every job in this town,” she said."), "keep every job", "Ortiz",
                 id="she-is-the-person-named-at-the-end-of-the-passage-before"),
    pytest.param(("Governor Tom Reed met the engineers on Monday, and Paul Weber told reporters that the dam "
                  "“will hold.” “We checked it twice,” he added.",), "We checked it twice", "Weber",
                 id="he-is-the-named-speaker-who-came-after-the-last-subject"),
    pytest.param(("“We will rebuild the pier,” Mayor Ana Silva said in a statement announcing the plan. "
                  "“Nobody will be left waiting.”",), "Nobody will be left", "Mayor Ana Silva",
                 id="a-report-in-the-speakers-own-clause-does-not-end-the-continuation"),
    pytest.param(("The mayor went further on Monday, tweeting:\n\n“The pier will open in May.”",),
                 "The pier will open", "mayor", id="a-colon-ending-the-paragraph-leads-into-the-next"),
    pytest.param(("Reed said in a long statement on Monday:", "“Nobody in this town will be left waiting for help.”"),
                 "Nobody in this town", "Reed", id="a-colon-ending-the-passage-leads-into-the-next"),
])
def test_who_said_the_quote(texts, words, speaker):  # constructed
    assert _quoted(attributions(*texts), words).speaker == speaker

"""An event's label reads on its own: no sentence that opens by pointing back at one not shown."""
import pytest

from app.cluster.labels import standalone


@pytest.mark.parametrize(("sentence", "label"), [
    ("The UN Security Council voted on Friday to extend the mission.", "The UN Security Council voted on Friday to extend the mission."),
    ("He also referenced the 2014 annexation of Crimea.", None),
    ("She said the talks would resume.", None),
    ("They walked out of the meeting.", None),
    ("It was the first vote of its kind.", None),
    ("His remarks drew applause.", None),
    ("This was rejected by Moscow.", None),
    ("These measures take effect in May.", None),
    ("This week, the council approved the plan.", "This week, the council approved the plan."),
    ("However, the court ruled against the ban.", "The court ruled against the ban."),
    ("But the minister said no decision had been taken.", "The minister said no decision had been taken."),
    ("In addition, 300 troops will be sent.", "300 troops will be sent."),
    ("Meanwhile he insisted the plan was legal.", None),  # the connective goes, the pronoun stays
    ("and the vote was postponed.", "The vote was postponed."),
    ("said the spokesman, adding that talks go on.", None),  # a fragment
    ("“We will not back down,” she said.", None),
    ('"It\'s official: I\'m hosting the Oscars!"', None),  # whose words?
    ("“We are thrilled,” said Zadan and Meron.", "“We are thrilled,” said Zadan and Meron."),
    ("“We will not back down,” Prime Minister Mark Carney said.", "“We will not back down,” Prime Minister Mark Carney said."),
    ("2,000 people were evacuated from the coast.", "2,000 people were evacuated from the coast."),
    ("Still water covered the fields.", None),  # passed over: "still" may lean on what came before
    ("Still, the strike went ahead.", "The strike went ahead."),
    ("So-called experts disagreed.", "So-called experts disagreed."),
    ("So far, 20 people have died.", "So far, 20 people have died."),
])
def test_a_sentence_that_leans_on_the_one_before_is_not_a_label(sentence, label):
    assert standalone(sentence) == label

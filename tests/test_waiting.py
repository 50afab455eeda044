"""The suite's waits give up when nothing moves, never at a fixed time."""
import pytest

from tests.waiting import Stalled, wait_until


def test_a_wait_that_keeps_moving_goes_on_past_the_stall_limit():
    polls = []
    # Each poll moves the work on, so however long the polls take, the wait never stalls.
    result = wait_until(lambda: polls.append(1) or (len(polls) >= 50 and "done"), what="fifty polls",
                        progress=lambda: len(polls), stall_s=0.0, interval=0.001)
    assert result == "done" and len(polls) == 50


def test_a_wait_where_nothing_moves_gives_up_and_says_on_what():
    with pytest.raises(Stalled, match="the never-ending job: nothing moved"):
        wait_until(lambda: False, what="the never-ending job", progress=lambda: "queued", stall_s=0.05,
                   interval=0.01)

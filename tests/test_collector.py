"""The garbage collector is off during a command, and does not rescan the command's objects after it."""

from __future__ import annotations

import gc

from k8scheck import collector


def test_the_collector_is_off_inside_and_as_it_was_after():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block leaves it off
    assert gc.isenabled()


def test_what_was_made_meanwhile_goes_to_the_oldest_generation():
    """Not left young, where the next allocation would have the collector scan it all."""
    with collector.paused():
        made = [[number] for number in range(1_000)]
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert all(id(item) in oldest for item in made)


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

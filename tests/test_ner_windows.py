"""Planning model inputs: sentence + neighbour context, and overlapping windows over long sentences."""

from __future__ import annotations

import random

from ner.windows import Window, plan_windows


def plan(
    lengths: list[int],
    sentences: list[tuple[int, int]],
    budget: int = 100,
    overlap: int = 0,
    context: int = 0,
) -> list[Window]:
    """Word w's sub-words are ids 1000*w, 1000*w+1, ...; its token types are all w."""
    pieces = [[1000 * w + k for k in range(n)] for w, n in enumerate(lengths)]
    types = [[w] * n for w, n in enumerate(lengths)]
    return plan_windows(7, pieces, types, sentences, budget=budget, overlap=overlap, context=context)


def test_short_sentences_without_context_are_one_input_each() -> None:
    windows = plan([1, 2, 1], [(0, 2), (2, 3)])
    assert [w.ids for w in windows] == [[0, 1000, 1001], [2000]]
    assert [w.types for w in windows] == [[0, 1, 1], [2]]
    assert [w.targets for w in windows] == [[(0, 0), (1, 1)], [(2, 0)]]
    assert {w.doc for w in windows} == {7}


def test_context_adds_neighbour_sub_words_but_labels_only_the_sentence() -> None:
    windows = plan([2, 2, 1, 3, 2], [(0, 2), (2, 3), (3, 5)], context=3)
    middle = windows[1]
    assert middle.ids == [1, 1000, 1001, 2000, 3000, 3001, 3002]  # 3 sub-words of context per side
    assert middle.types == [0, 1, 1, 2, 3, 3, 3]
    assert middle.targets == [(2, 3)]
    assert windows[0].ids == [0, 1, 1000, 1001, 2000, 3000, 3001]  # no left neighbour, right context only
    assert windows[0].targets == [(0, 0), (1, 2)]


def test_context_shares_the_remaining_room_equally_between_sides() -> None:
    windows = plan([4, 2, 4], [(0, 1), (1, 2), (2, 3)], budget=7, context=10)
    assert windows[1].ids == [2, 3, 1000, 1001, 2000, 2001]  # room 5 -> 2 sub-words per side


def test_words_without_sub_words_are_skipped() -> None:
    windows = plan([0, 2, 0, 0], [(0, 2), (2, 4)])
    assert len(windows) == 1 and windows[0].targets == [(1, 0)]


def test_a_word_longer_than_the_budget_keeps_its_first_sub_words() -> None:
    windows = plan([1, 50, 1], [(0, 3)], budget=10, overlap=2)
    assert all(len(w.ids) <= 10 for w in windows)
    assert sorted(word for w in windows for word, _ in w.targets) == [0, 1, 2]


def check_long_sentence(lengths: list[int], budget: int, overlap: int) -> None:
    windows = plan(lengths, [(0, len(lengths))], budget=budget, overlap=overlap)
    labelled = [word for w in windows for word, _ in w.targets]
    assert sorted(labelled) == [w for w, n in enumerate(lengths) if n]  # every word exactly once
    for window in windows:
        assert 0 < len(window.ids) <= budget
        for word, pos in window.targets:
            assert window.ids[pos] == 1000 * word  # position is the word's first sub-word
            assert window.types[pos] == word
    # each word comes from the window where it has the most sub-words on its poorer side
    context = {}
    for window in windows:
        firsts = [i for i, piece in enumerate(window.ids) if piece % 1000 == 0]
        for pos in firsts:
            room = min(pos, len(window.ids) - pos - 1)
            context[window.ids[pos] // 1000] = max(context.get(window.ids[pos] // 1000, -1), room)
    for window in windows:
        for word, pos in window.targets:
            assert min(pos, len(window.ids) - pos - 1) == context[word]


def test_long_sentences_are_split_into_overlapping_windows() -> None:
    check_long_sentence([1] * 40, budget=10, overlap=4)
    check_long_sentence([2, 1, 3, 1, 1, 4, 2, 2, 1, 1, 3, 2] * 5, budget=12, overlap=5)
    check_long_sentence([1] * 30, budget=8, overlap=0)
    check_long_sentence([3] * 20, budget=9, overlap=100)  # overlap too large still makes progress


def test_random_long_sentences() -> None:
    rng = random.Random(0)
    for _ in range(50):
        lengths = [rng.choice([0, 1, 1, 1, 2, 3, 5]) for _ in range(rng.randint(1, 120))]
        budget = rng.randint(6, 30)
        check_long_sentence(lengths, budget=budget, overlap=rng.randint(0, budget // 2))

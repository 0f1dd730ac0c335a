from __future__ import annotations

from ftlab.dataset.quality.examples import NO_SYSTEM
from ftlab.dataset.quality.normalize import digest, normalize
from ftlab.dataset.quality.prompts import SystemPrompts, word_difference
from ftlab.dataset.quality.results import SYSTEM_PROMPT


def _add(prompts: SystemPrompts, line: int, system: str | None) -> None:
    prompts.add(line, system, NO_SYSTEM if system is None else digest(normalize(system)))


def test_prompts_are_counted_ignoring_case_and_spacing_and_a_missing_one_is_not_a_prompt():
    prompts = SystemPrompts()
    for line, system in enumerate(["Be brief.", "be  BRIEF.", None, "Be kind."], start=1):
        _add(prompts, line, system)
    assert prompts.distinct == 2


def test_each_other_prompt_is_one_warning_naming_its_lines_and_how_it_differs():
    prompts = SystemPrompts()
    for line, system in enumerate(["Reply in three lines."] * 3 + [None, "Reply in two lines.", None], 1):
        _add(prompts, line, system)
    warnings = prompts.warnings()
    assert [(w.code, w.lines) for w in warnings] == [(SYSTEM_PROMPT, (4, 6)), (SYSTEM_PROMPT, (5,))]
    assert warnings[0].message.startswith("Lines 4 and 6 have no system prompt, unlike the usual")
    assert 'saying "two" where the usual one says "three"' in warnings[1].message


def test_one_prompt_everywhere_is_no_warning():
    prompts = SystemPrompts()
    _add(prompts, 1, "A")
    _add(prompts, 2, "a")
    assert prompts.warnings() == []


def test_a_word_difference_says_what_was_added_or_left_out():
    assert word_difference("a b c", "a c") == 'first differs in adding "b"'
    assert word_difference("a c", "a b c") == 'first differs in lacking "b"'
    assert word_difference("a  b", "a b") == "differs only in case or spacing"


def test_a_batch_of_prompts_is_noted_as_one_at_a_time_with_each_ones_key():
    systems = ["Be brief.", "be  BRIEF.", None, "Be kind.", "Be brief."]
    one_by_one, batched, alike = SystemPrompts(), SystemPrompts(), SystemPrompts()
    for line, system in enumerate(systems, start=1):
        _add(one_by_one, line, system)
    keys = batched.add_batch(range(1, 6), systems)
    assert keys == [NO_SYSTEM if s is None else digest(normalize(s)) for s in systems]
    assert (batched._lines, batched._texts) == (one_by_one._lines, one_by_one._texts)
    alike.add_batch([7, 8], ["Be kind.", "BE KIND."])  # one key: the lines noted at once
    assert (alike._lines, alike._texts) == ({digest(normalize("Be kind.")): [7, 8]}, {keys[3]: "Be kind."})

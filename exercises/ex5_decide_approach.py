"""Exercise 5: decide between a prompt, RAG and a fine-tune.

The most useful skill in this module is knowing when fine-tuning is the right tool. Here you
write that judgement down as a rule a colleague could check. You get a ``Scenario`` (read its
fields with ``help(Scenario)``: what knowledge the task needs and how often it changes, whether
the win is a consistent style or format, how many good examples exist, the traffic, the prompt
length) and return a ``Decision``: one of ``"prompt"``, ``"rag"``, ``"fine-tune"`` or
``"rag+fine-tune"``, with a short reason. docs/decide.md explains the rule with worked examples.

Think of two separate questions. Where do the facts come from (Task 1)? And should the
behaviour come from a fine-tune or from the prompt (Tasks 2 and 3)? Task 4 puts the two
answers together.

Task 1. Where do the facts come from?
    - ``facts == "none"``: nowhere; the base model knows enough.
    - ``facts == "large"`` (a manual, a catalogue, a wiki): retrieve the relevant parts with
      each request (RAG). It won't fit in every prompt, and fine-tuning does not teach facts
      reliably: the model learns to sound right, not to be right.
    - ``facts == "small"`` (a page or two): keep it in the prompt, unless it changes
      ``"weekly"`` or ``"daily"``; then fetch the current version with each request (RAG).
      A fine-tuned model, or a prompt you wrote last week, would be stale.

Task 2. Can a fine-tune help at all? Fine-tuning teaches a consistent style, format or
    behaviour. Don't fine-tune when:
    - ``consistent_behaviour`` is False: there is nothing to teach;
    - the wanted behaviour changes ``"weekly"`` or ``"daily"`` (``behaviour_changes``): you
      would be retraining all the time, while a prompt is rewritten in minutes;
    - ``n_examples < 10``: OpenAI's fine-tuning API refuses the file (``MIN_EXAMPLES``);
    - ``n_examples < 50``: 50-100 good examples is where fine-tunes usually start to beat a
      good prompt (``USUAL_START_EXAMPLES``). Prompt while you collect more.

Task 3. Is it worth it? Prompting comes first.
    - If a prompt can't get the behaviour reliably (``prompt_gets_it`` is False) and Task 2
      found nothing against it: fine-tune. That is what fine-tuning is for.
    - If a prompt already gets it, a fine-tune only saves money: the fine-tuned model needs a
      one-line prompt instead of ``prompt_tokens`` of instructions and examples, but each of
      its tokens costs more, and the training costs something once. ``break_even(scenario)``
      from ``ftlab.learner`` does that arithmetic with published prices and the scenario's
      ``training_cost_usd`` (exercise 3's estimate; the graded scenarios come with one).
      Fine-tune only when ``break_even(scenario).pays_within_a_month``.

Task 4. Put it together: RAG (Task 1) and fine-tune (Tasks 2-3) give ``"prompt"``, ``"rag"``,
    ``"fine-tune"`` or ``"rag+fine-tune"``. Return ``Decision(approach, reason)``; the reason is
    one sentence a colleague could check ("the policy changes weekly: retrieve it").

Check your work with ``pytest exercises/ex5_decide_approach.py`` (all five exercises: ``pytest exercises/``).
"""

from __future__ import annotations

from ftlab.learner import MIN_EXAMPLES, USUAL_START_EXAMPLES, Decision, Scenario, break_even  # noqa: F401 - yours to use


def decide_approach(scenario: Scenario) -> Decision:
    """Return the ``Decision`` for ``scenario``: "prompt", "rag", "fine-tune" or
    "rag+fine-tune" (Tasks 1-4).
    """
    raise NotImplementedError(
        "Tasks 1-4: decide where the facts come from and whether to fine-tune, then return a Decision"
    )

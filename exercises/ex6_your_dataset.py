"""Exercise 6: your dataset.

A fine-tune copies its examples, mistakes included: a fine-tune that seems wrong is almost always
a dataset problem (too few examples, an inconsistent answer, a duplicate, a leaked secret). Here
you build the dataset for the support-ticket triage task of lab step A5, and the checks grade
the data itself, with the same quality pass ``ftlab validate`` runs. There is no function to
write: the files are your answer. Open ``data/support_tickets.jsonl`` to see the shape.

Task 1. A training file with at least 20 valid examples.
    Write ``exercises/my_dataset.jsonl`` (``DATASET``): chat examples, one per line, each a
    system message, a customer's email and the triage answer you want. Every line must pass
    ``ftlab validate exercises/my_dataset.jsonl``. Ten is the least the fine-tuning API
    accepts; 50 to 100 is where real fine-tunes usually start.
    To start: copy three lines of ``data/support_tickets.jsonl`` into the file, then write your
    own below them (exercise 1's ``build_example`` and ``write_jsonl`` can write them for you).

Task 2. Consistent examples, and nothing that must not be trained into a model.
    The model learns exactly what the examples show, so ``ftlab validate`` names each line
    that breaks one of these, with the reason:
    - one system prompt, the same text on every line;
    - one answer format: at least 90% of the answers in the same shape
      (``Category: ...`` / ``Priority: ...`` / ``Summary: ...``, the same casing and punctuation);
    - no duplicate examples (the same email twice teaches nothing new and weighs it double);
    - no secrets or personal data that look real (API keys, e-mail addresses, phone numbers):
      they would be trained into the model. Write placeholders instead.

Task 3. A held-out file with nothing from the training file.
    Write ``exercises/my_dataset_heldout.jsonl`` (``HELDOUT``): at least 5 more examples in the
    same format, none of them in the training file (not even almost the same email). You test
    the fine-tuned model on these; an example it trained on proves nothing. Check the pair with
    ``ftlab validate exercises/my_dataset.jsonl --validation exercises/my_dataset_heldout.jsonl``.

Check your work with ``pytest exercises/ex6_your_dataset.py``.
"""

from __future__ import annotations

#: Your training file, beside this one in exercises/ (Tasks 1 and 2).
DATASET = "my_dataset.jsonl"
#: Your held-out file, beside this one in exercises/ (Task 3).
HELDOUT = "my_dataset_heldout.jsonl"

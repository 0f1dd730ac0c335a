"""Wrong: never sends the system prompt, so the model answers without its instructions."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex4_submit_job")
submit_job, wait_for_job = _ref["submit_job"], _ref["wait_for_job"]


def ask_model(client, model, question, system=None):
    completion = client.chat.completions.create(model=model, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content

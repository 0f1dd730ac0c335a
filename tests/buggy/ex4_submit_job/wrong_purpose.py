"""Wrong: uploads the training file with purpose "assistants", so no job can train on it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex4_submit_job")
wait_for_job, ask_model = _ref["wait_for_job"], _ref["ask_model"]


def submit_job(client, path, model, *, suffix=None, n_epochs=None):
    training_file = client.files.create(file=Path(path), purpose="assistants")
    return client.fine_tuning.jobs.create(training_file=training_file.id, model=model, suffix=suffix).id

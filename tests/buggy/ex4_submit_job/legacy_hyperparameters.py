"""Wrong: passes n_epochs in the deprecated top-level hyperparameters argument, not in method."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex4_submit_job")
wait_for_job, ask_model = _ref["wait_for_job"], _ref["ask_model"]


def submit_job(client, path, model, *, suffix=None, n_epochs=None):
    training_file = client.files.create(file=Path(path), purpose="fine-tune")
    options = {}
    if suffix is not None:
        options["suffix"] = suffix
    if n_epochs is not None:
        options["hyperparameters"] = {"n_epochs": n_epochs}
    return client.fine_tuning.jobs.create(training_file=training_file.id, model=model, **options).id

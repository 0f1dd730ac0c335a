"""Wrong: stops at any final status and returns the model name, which is None for a failed job."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex4_submit_job")
submit_job, ask_model = _ref["submit_job"], _ref["ask_model"]


def wait_for_job(client, job_id, *, poll_seconds=30.0, timeout_seconds=7200.0, sleep=time.sleep):
    waited = 0.0
    while True:
        job = client.fine_tuning.jobs.retrieve(job_id)
        if job.status in ("succeeded", "failed", "cancelled"):
            return job.fine_tuned_model
        if waited >= timeout_seconds:
            raise TimeoutError(f"fine-tuning job {job_id} is still {job.status}")
        sleep(poll_seconds)
        waited += poll_seconds

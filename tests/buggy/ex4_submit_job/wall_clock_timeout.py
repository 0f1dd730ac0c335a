"""Wrong: measures the timeout on the wall clock, which the sleep it was given does not move."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex4_submit_job")
submit_job, ask_model = _ref["submit_job"], _ref["ask_model"]


def wait_for_job(client, job_id, *, poll_seconds=30.0, timeout_seconds=7200.0, sleep=time.sleep):
    deadline = time.monotonic() + timeout_seconds
    while True:
        job = client.fine_tuning.jobs.retrieve(job_id)
        if job.status == "succeeded":
            return job.fine_tuned_model
        if job.status in ("failed", "cancelled"):
            message = job.error.message if job.error else "it was cancelled"
            raise RuntimeError(f"fine-tuning job {job_id} {job.status}: {message}")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"fine-tuning job {job_id} is still {job.status}")
        sleep(poll_seconds)

"""Wrong: treats every error while polling as passing trouble, so a job that doesn't exist is waited for."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex4_submit_job")
submit_job, ask_model = _ref["submit_job"], _ref["ask_model"]


def wait_for_job(client, job_id, *, poll_seconds=30.0, timeout_seconds=7200.0, sleep=time.sleep):
    waited, status = 0.0, "unknown"
    while True:
        try:
            job = client.fine_tuning.jobs.retrieve(job_id)
        except Exception:  # noqa: BLE001 - the mistake: a 404 is not worth waiting for
            pass
        else:
            status = job.status
            if status == "succeeded":
                return job.fine_tuned_model
            if status in ("failed", "cancelled"):
                message = job.error.message if job.error else "it was cancelled"
                raise RuntimeError(f"fine-tuning job {job_id} {status}: {message}")
        if waited >= timeout_seconds:
            raise TimeoutError(f"fine-tuning job {job_id} is still {status}")
        sleep(poll_seconds)
        waited += poll_seconds

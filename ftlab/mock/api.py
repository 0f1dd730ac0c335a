"""The mock API's route table: every path, its methods, its handler and whether it needs an API key."""

from __future__ import annotations

from ftlab.mock import admin, endpoints, tuning
from ftlab.mock.routes import Route

_FILE = "/v1/files/<file_id>"
_MODEL = "/v1/models/<model>"
_JOBS = "/v1/fine_tuning/jobs"
_JOB = f"{_JOBS}/<job_id>"

#: Every route the mock answers, each method and path once. Only health is public (no API key);
#: only the upload takes a form, every other body is JSON.
ROUTES: tuple[Route, ...] = (
    Route("/v1/files", endpoints.create_file, ("POST",), form=True),
    Route("/v1/files", endpoints.list_files, ("GET",)),
    Route(_FILE, endpoints.retrieve_file, ("GET",)),
    Route(_FILE, endpoints.delete_file, ("DELETE",)),
    Route(f"{_FILE}/content", endpoints.file_content, ("GET",)),
    Route("/v1/models", endpoints.list_models, ("GET",)),
    Route(_MODEL, endpoints.retrieve_model, ("GET",)),
    Route(_MODEL, endpoints.delete_model, ("DELETE",)),
    Route("/v1/chat/completions", endpoints.create_chat_completion, ("POST",)),
    Route(_JOBS, tuning.create_job, ("POST",)),
    Route(_JOBS, tuning.list_jobs, ("GET",)),
    Route(_JOB, tuning.retrieve_job, ("GET",)),
    Route(f"{_JOB}/cancel", tuning.cancel_job, ("POST",)),
    Route(f"{_JOB}/pause", tuning.pause_job, ("POST",)),
    Route(f"{_JOB}/resume", tuning.resume_job, ("POST",)),
    Route(f"{_JOB}/events", tuning.list_events, ("GET",)),
    Route(f"{_JOB}/checkpoints", tuning.list_checkpoints, ("GET",)),
    Route("/_mock/health", admin.health, ("GET",), public=True),
    Route("/_mock/faults", admin.add_fault, ("POST",)),
    Route("/_mock/faults", admin.list_faults, ("GET",)),
    Route("/_mock/faults", admin.clear_faults, ("DELETE",)),
    Route("/_mock/job_faults", admin.fail_next_job, ("POST",)),
    Route("/_mock/jobs/<job_id>/fail", admin.fail_job, ("POST",)),
    Route("/_mock/clock", admin.read_clock, ("GET",)),
    Route("/_mock/clock", admin.advance_clock, ("POST",)),
    Route("/_mock/requests", admin.list_requests, ("GET",)),
)

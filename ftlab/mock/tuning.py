"""The fine-tuning jobs endpoints: create (with OpenAI's parameter checks), list, act on a job."""

from __future__ import annotations

from typing import Any

from ftlab.mock import errors
from ftlab.mock.faults import arm_failure
from ftlab.mock.file_check import FileCheck, Outcomes
from ftlab.mock.jobs import ACTIVE
from ftlab.mock.parameters import hyperparameters, parse_metadata, parse_suffix
from ftlab.mock.routes import Context, Deferred, page
from ftlab.mock.training import UnknownBaseModel, base_model, inspect_file
from ftlab.values import is_strict_int

MAX_SEED = 2_147_483_647


def create_job(ctx: Context) -> dict[str, Any] | Deferred:
    """Check the request, then answer ``validating_files`` while the engine checks the files.

    The check runs in the background (:class:`FileCheck`), never under the key's lock; a backend
    that trains for real plans its run from the checked file, so there the answer waits for the
    check, still outside the key's lock.
    """
    body = ctx.json_body()
    state = ctx.key_state
    model = _required_string(body, "model")
    training_file = _required_string(body, "training_file")
    tuned = state.fine_tuned(model)
    base = state.jobs[tuned.job_id].model if tuned else _base_model(model)
    suffix = parse_suffix(body.get("suffix"))
    ids = ctx.server.ids
    fields: dict[str, Any] = {
        "id": ids.job(),
        "model": model if tuned else base,
        "training_file": training_file,
        "created_at": ctx.now,
        "organization_id": state.organization_id,
        "model_name": f"ft:{base}:{ctx.server.org}:{suffix or ''}:{ids.model_tag()}",
        "ids": ids,
        "timing": ctx.server.timing,
        "hyperparameters": hyperparameters(body),
        "suffix": suffix,
        "seed": _seed(ctx, body.get("seed")),
        "metadata": parse_metadata(body.get("metadata")),
    }
    data = _fine_tune_file(ctx, training_file, "training_file")
    validation_file = body.get("validation_file")
    validation = None
    if validation_file is not None:
        if not isinstance(validation_file, str):
            raise errors.invalid_type("validation_file", "a string", validation_file)
        validation = _fine_tune_file(ctx, validation_file, "validation_file")
    fields["validation_file"] = validation_file

    def check() -> Outcomes:
        checked = None if validation is None else inspect_file(validation, base, param="validation_file")
        return inspect_file(data, base), checked

    if ctx.server.backend.real_time:
        return Deferred(lambda: _add_job(ctx, data, fields, check()))
    return _add_job(ctx, data, fields, (None, None), FileCheck(check, ctx.server.clock, ctx.now))


def _add_job(
    ctx: Context, data: bytes, fields: dict[str, Any], outcomes: Any, check: FileCheck | None = None
) -> dict[str, Any]:
    state = ctx.key_state
    with state.lock:
        outcome, validation = outcomes
        job = ctx.server.backend.new_job(
            data, ctx.server.clock, outcome=outcome, validation=validation, check=check, **fields
        )
        fault = state.faults.take_job_fault() or ctx.server.state.faults.take_job_fault()
        if fault is not None:
            arm_failure(job, fault)
        state.add_job(job)
        return job.to_json()


def list_jobs(ctx: Context) -> dict[str, Any]:
    limit = ctx.int_param("limit", 20, minimum=1, maximum=100)
    wanted = {
        k[len("metadata[") : -1]: v
        for k, v in ctx.request.args.items()
        if k.startswith("metadata[") and k.endswith("]")
    }
    jobs = [
        j
        for j in reversed(ctx.key_state.jobs.values())
        if all((j.metadata or {}).get(k) == v for k, v in wanted.items())
    ]
    chunk, more = page(
        jobs, ctx.request.args.get("after"), limit, lambda j: j.id, made=ctx.key_state.made, newest_first=True
    )
    return {"object": "list", "data": [j.to_json() for j in chunk], "has_more": more}


def retrieve_job(ctx: Context, job_id: str) -> dict[str, Any]:
    return ctx.key_state.job(job_id).to_json()


def cancel_job(ctx: Context, job_id: str) -> dict[str, Any]:
    job = ctx.key_state.job(job_id)
    if job.status not in ACTIVE:
        raise errors.ApiError(
            400,
            f"Job {job_id} has already finished with status '{job.status}' and cannot be cancelled.",
            param="fine_tuning_job_id",
        )
    job.cancel(ctx.now)
    return job.to_json()


def pause_job(ctx: Context, job_id: str) -> dict[str, Any]:
    job = ctx.key_state.job(job_id)
    if job.status != "running":
        raise errors.ApiError(
            400,
            f"Job {job_id} cannot be paused: only a running job can be paused, and it is '{job.status}'.",
            param="fine_tuning_job_id",
        )
    job.pause(ctx.now)
    return job.to_json()


def resume_job(ctx: Context, job_id: str) -> dict[str, Any]:
    job = ctx.key_state.job(job_id)
    if job.status != "paused":
        raise errors.ApiError(
            400,
            f"Job {job_id} cannot be resumed: only a paused job can be resumed, and it is '{job.status}'.",
            param="fine_tuning_job_id",
        )
    job.resume(ctx.now)
    return job.to_json()


def list_events(ctx: Context, job_id: str) -> dict[str, Any]:
    job = ctx.key_state.job(job_id)
    limit = ctx.int_param("limit", 20, minimum=1, maximum=100)
    chunk, more = page(job.events[::-1], ctx.request.args.get("after"), limit, lambda e: e.id)
    return {"object": "list", "data": [e.to_json() for e in chunk], "has_more": more}


def list_checkpoints(ctx: Context, job_id: str) -> dict[str, Any]:
    job = ctx.key_state.job(job_id)
    limit = ctx.int_param("limit", 10, minimum=1, maximum=100)
    chunk, more = page(job.checkpoints[::-1], ctx.request.args.get("after"), limit, lambda c: c.id)
    return {
        "object": "list",
        "data": [c.to_json() for c in chunk],
        "first_id": chunk[0].id if chunk else None,
        "last_id": chunk[-1].id if chunk else None,
        "has_more": more,
    }


# --- parameters -------------------------------------------------------------------------


def _base_model(model: str) -> str:
    """The snapshot a base model name (or alias) tunes; a fine-tuned name not found here is refused."""
    try:
        if model.startswith("ft:"):
            raise UnknownBaseModel(model)  # someone else's, deleted, or never made
        return base_model(model)
    except UnknownBaseModel:
        raise errors.ApiError(
            400,
            f"Model {model} is not available for fine-tuning or does not exist.",
            param="model",
            code="model_not_available",
        ) from None


def _seed(ctx: Context, value: Any) -> int:
    if value is None:
        return int(ctx.server.ids.make("", 9), 36) % (MAX_SEED + 1)
    if not is_strict_int(value):
        raise errors.invalid_type("seed", "an integer", value)
    if not 0 <= value <= MAX_SEED:
        raise errors.out_of_range("seed", value, minimum=0, maximum=MAX_SEED)
    return value


def _required_string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        raise errors.missing(name)
    if not isinstance(value, str):
        raise errors.invalid_type(name, "a string", value)
    return value


def _fine_tune_file(ctx: Context, file_id: str, param: str) -> bytes:
    stored = ctx.key_state.files.get(file_id)
    if stored is None:
        raise errors.ApiError(400, f"invalid {param}: {file_id}", param=param, code=f"invalid_{param}")
    if stored.purpose != "fine-tune":
        raise errors.ApiError(
            400,
            f"File {file_id} has purpose '{stored.purpose}', "
            "but files for fine-tuning must be uploaded with purpose 'fine-tune'.",
            param=param,
            code=f"invalid_{param}",
        )
    return stored.data

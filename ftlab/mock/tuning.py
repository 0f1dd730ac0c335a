"""The fine-tuning jobs endpoints: create (with OpenAI's parameter checks), list, act on a job."""

from __future__ import annotations

import re
from typing import Any

from ftlab.mock import errors
from ftlab.mock.faults import arm_failure
from ftlab.mock.jobs import ACTIVE, Hyperparameters
from ftlab.mock.routes import Context, page
from ftlab.mock.training import UnknownBaseModel, base_model, inspect_file
from ftlab.values import is_finite_number, is_strict_int

MAX_SUFFIX = 64
#: What a suffix may hold: it becomes part of a model name, which is one segment of a URL path
#: (``/v1/models/{model}``) and is split on ``:``. Letters, digits, ``-``, ``_`` and ``.``.
SUFFIX = re.compile(r"^[A-Za-z0-9._-]+$")
#: OpenAI's metadata limits: 16 pairs, keys up to 64 characters, values up to 512.
MAX_METADATA, MAX_METADATA_KEY, MAX_METADATA_VALUE = 16, 64, 512
MAX_SEED = 2_147_483_647
_RANGES = {"n_epochs": (1, 50), "batch_size": (1, 256)}


def create_job(ctx: Context) -> dict[str, Any]:
    body = ctx.json_body()
    state = ctx.key_state
    model = _required_string(body, "model")
    training_file = _required_string(body, "training_file")
    tuned = state.fine_tuned(model)
    base = state.jobs[tuned.job_id].model if tuned else _base_model(model)
    suffix = _suffix(body.get("suffix"))
    hyper = _hyperparameters(body)
    seed = _seed(ctx, body.get("seed"))
    metadata = _metadata(body.get("metadata"))
    data = _fine_tune_file(ctx, training_file, "training_file")
    training = inspect_file(data, base)
    validation_file = body.get("validation_file")
    validation = None
    if validation_file is not None:
        if not isinstance(validation_file, str):
            raise errors.invalid_type("validation_file", "a string", validation_file)
        validation = inspect_file(
            _fine_tune_file(ctx, validation_file, "validation_file"), base, param="validation_file"
        )
    ids = ctx.server.ids
    job = ctx.server.backend.new_job(
        data,
        ctx.server.clock,
        id=ids.job(),
        model=model if tuned else base,
        training_file=training_file,
        created_at=ctx.now,
        organization_id=state.organization_id,
        model_name=f"ft:{base}:{ctx.server.org}:{suffix or ''}:{ids.model_tag()}",
        outcome=training,
        ids=ids,
        timing=ctx.server.timing,
        validation_file=validation_file,
        validation=validation,
        hyperparameters=hyper,
        suffix=suffix,
        seed=seed,
        metadata=metadata,
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


def _suffix(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.invalid_type("suffix", "a string", value)
    if len(value) > MAX_SUFFIX:
        raise errors.too_long("suffix", value, MAX_SUFFIX)
    if not value:
        raise errors.ApiError(
            400,
            "Invalid 'suffix': string too short. Expected a string with minimum length 1, "
            "but got an empty string instead.",
            param="suffix",
            code="string_below_min_length",
        )
    if not SUFFIX.match(value):
        bad = next(c for c in value if not SUFFIX.match(c))
        raise errors.ApiError(
            400,
            f"Invalid 'suffix': {value!r} contains {bad!r}. A suffix may hold only letters, digits, "
            "'-', '_' and '.'.",
            param="suffix",
            code="invalid_value",
        )
    return value


def _hyperparameters(body: dict[str, Any]) -> Hyperparameters:
    """From ``method.supervised.hyperparameters`` or the deprecated top-level ``hyperparameters``."""
    method = body.get("method")
    where, given = "hyperparameters", body.get("hyperparameters")
    if method is not None:
        if not isinstance(method, dict):
            raise errors.invalid_type("method", "an object", method)
        kind = method.get("type")
        if kind != "supervised":
            allowed = ["supervised", "dpo", "reinforcement"]
            if kind not in allowed:
                raise errors.invalid_value("method.type", kind, allowed)
            raise errors.ApiError(
                400,
                f"The ftlab mock simulates supervised fine-tuning only, not method type '{kind}'.",
                param="method.type",
            )
        supervised = method.get("supervised")
        if supervised is not None and not isinstance(supervised, dict):
            raise errors.invalid_type("method.supervised", "an object", supervised)
        inner = (supervised or {}).get("hyperparameters")
        if inner is not None:
            if given is not None and given != inner:
                raise errors.ApiError(
                    400,
                    "Give hyperparameters in 'method' or at the top level (deprecated), not both.",
                    param="hyperparameters",
                )
            where, given = "method.supervised.hyperparameters", inner
    if given is None:
        return Hyperparameters()
    if not isinstance(given, dict):
        raise errors.invalid_type(where, "an object", given)
    values: dict[str, Any] = {}
    for name in ("n_epochs", "batch_size", "learning_rate_multiplier"):
        value = given.get(name, "auto")
        param = f"{where}.{name}"
        if value == "auto":
            values[name] = value
        elif name == "learning_rate_multiplier":
            if not is_finite_number(value):  # JSON has no infinity; a NaN or inf from Python is refused too
                raise errors.invalid_type(param, "a number or 'auto'", value)
            if value <= 0:
                raise errors.out_of_range(param, float(value), minimum=0)
            values[name] = value
        else:
            if not is_strict_int(value):
                raise errors.invalid_type(param, "an integer or 'auto'", value)
            low, high = _RANGES[name]
            if not low <= value <= high:
                raise errors.out_of_range(param, value, minimum=low, maximum=high)
            values[name] = value
    return Hyperparameters(**values)


def _metadata(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise errors.invalid_type("metadata", "an object of strings", value)
    if len(value) > MAX_METADATA:
        raise errors.ApiError(
            400,
            f"Invalid 'metadata': too many properties. Expected at most {MAX_METADATA}.",
            param="metadata",
        )
    for key, text in value.items():
        if len(key) > MAX_METADATA_KEY:
            raise errors.too_long(f"metadata.{key[:MAX_METADATA_KEY]}…", key, MAX_METADATA_KEY)
        if len(text) > MAX_METADATA_VALUE:
            raise errors.too_long(f"metadata.{key}", text, MAX_METADATA_VALUE)
    return dict(value)


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

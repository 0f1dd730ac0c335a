"""The Files, Models and Chat Completions endpoints (replies come from the server's training backend)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from ftlab.mock import chat, errors
from ftlab.mock import messages as messages_check
from ftlab.mock.backend import ChatRequest
from ftlab.mock.catalog import BASE_MODELS, base_model_json
from ftlab.mock.files import JSONL_PURPOSES, MAX_BYTES, UPLOAD_PURPOSES, StoredFile
from ftlab.mock.jobs import Job
from ftlab.mock.routes import Context, Deferred, page
from ftlab.mock.training import base_model
from ftlab.values import is_strict_int

# --- files ------------------------------------------------------------------------------


def create_file(ctx: Context) -> dict[str, Any]:
    request = ctx.request
    if request.mimetype != "multipart/form-data":
        raise errors.ApiError(
            400, f"Invalid Content-Type header ({request.mimetype or 'none'}), expected multipart/form-data."
        )
    purpose = request.form.get("purpose")
    if purpose is None:
        raise errors.missing("purpose")
    if purpose not in UPLOAD_PURPOSES:
        raise errors.invalid_value("purpose", purpose, UPLOAD_PURPOSES)
    upload = request.files.get("file")
    if upload is None:
        raise errors.missing("file")
    filename = upload.filename or "upload"
    if purpose in JSONL_PURPOSES and not filename.lower().endswith(".jsonl"):
        raise errors.ApiError(
            400, f"Invalid file format for {JSONL_PURPOSES[purpose]} API. Must be .jsonl", param="file"
        )
    if _upload_size(upload.stream) > MAX_BYTES:
        raise errors.ApiError(413, f"File is too large: the limit is {MAX_BYTES // 2**20} MB.", param="file")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise errors.ApiError(413, f"File is too large: the limit is {MAX_BYTES // 2**20} MB.", param="file")
    stored = StoredFile(ctx.server.ids.file(), filename, purpose, data, int(ctx.now))
    ctx.key_state.add_file(stored)
    return stored.to_json()


def _upload_size(stream: Any) -> int:
    """An upload's size from its spooled stream's end, without reading it (0 if it cannot seek)."""
    try:
        end = stream.seek(0, 2)
        stream.seek(0)
    except (AttributeError, OSError, ValueError):
        return 0
    return int(end)


def list_files(ctx: Context) -> dict[str, Any]:
    purpose = ctx.request.args.get("purpose")
    order = ctx.request.args.get("order", "desc")
    if order not in ("asc", "desc"):
        raise errors.invalid_value("order", order, ["asc", "desc"])
    limit = ctx.int_param("limit", 10_000, minimum=1, maximum=10_000)
    files = [f for f in ctx.key_state.files.values() if purpose is None or f.purpose == purpose]
    if order == "desc":
        files.reverse()
    after = ctx.request.args.get("after")
    chunk, more = page(
        files, after, limit, lambda f: f.id, made=ctx.key_state.made, newest_first=order == "desc"
    )
    return {
        "object": "list",
        "data": [f.to_json() for f in chunk],
        "first_id": chunk[0].id if chunk else None,
        "last_id": chunk[-1].id if chunk else None,
        "has_more": more,
    }


def retrieve_file(ctx: Context, file_id: str) -> dict[str, Any]:
    return ctx.key_state.file(file_id).to_json()


def delete_file(ctx: Context, file_id: str) -> dict[str, Any]:
    ctx.key_state.file(file_id)
    del ctx.key_state.files[file_id]
    return {"id": file_id, "object": "file", "deleted": True}


def file_content(ctx: Context, file_id: str) -> Response:
    stored = ctx.key_state.file(file_id)
    return Response(stored.data, content_type="application/octet-stream")


# --- models -----------------------------------------------------------------------------


def list_models(ctx: Context) -> dict[str, Any]:
    data = [base_model_json(m) for m in BASE_MODELS] + [m.to_json() for m in ctx.key_state.models.values()]
    return {"object": "list", "data": data}


def retrieve_model(ctx: Context, model: str) -> dict[str, Any]:
    if model in BASE_MODELS:
        return base_model_json(model)
    if model in ctx.key_state.models:
        return ctx.key_state.models[model].to_json()
    raise errors.model_not_found(model)


def delete_model(ctx: Context, model: str) -> dict[str, Any]:
    if model in BASE_MODELS:
        raise errors.ApiError(
            403,
            f"You are not allowed to delete the model {model}: "
            "only fine-tuned models you own can be deleted.",
        )
    if model not in ctx.key_state.models:
        raise errors.model_not_found(model)
    del ctx.key_state.models[model]
    return {"id": model, "object": "model", "deleted": True}


# --- chat completions -------------------------------------------------------------------


def create_chat_completion(ctx: Context) -> Deferred:
    body = ctx.json_body()
    model = body.get("model")
    if not model:
        raise errors.ApiError(400, "you must provide a model parameter")
    if not isinstance(model, str):
        raise errors.invalid_type("model", "a string", model)
    messages = messages_check.messages_of(body)
    streamed, include_usage = messages_check.check_stream(body)
    n = _int_field(body, "n", 1, 1, 128)
    limit = _int_field(body, "max_completion_tokens", 0, 1, 1_000_000) or _int_field(
        body, "max_tokens", 0, 1, 1_000_000
    )
    tuned = ctx.key_state.fine_tuned(model)
    if tuned is not None:
        job: Job | None = ctx.key_state.jobs[tuned.job_id]
        counting = job.model  # type: ignore[union-attr]
    elif model in BASE_MODELS:
        job, counting = None, base_model(model)
    else:
        raise errors.model_not_found(model)
    request = ChatRequest(model, counting, job, messages, limit)
    ident, created = ctx.server.ids.completion(), int(ctx.now)
    answered_by = model if tuned is not None else counting  # an alias answers as its snapshot, as OpenAI's do

    def respond() -> dict[str, Any] | Response:
        answer = ctx.server.backend.answer(request)
        if streamed:
            return Response(
                chat.stream(
                    ident,
                    created,
                    answered_by,
                    answer.text,
                    n,
                    answer.finish_reason,
                    answer.usage if include_usage else None,
                ),
                content_type="text/event-stream",
            )
        return chat.completion(
            ident, created, answered_by, answer.text, n, answer.usage, answer.finish_reason
        )

    return Deferred(respond)


def _int_field(body: dict[str, Any], name: str, default: int, minimum: int, maximum: int) -> int:
    value = body.get(name)
    if value is None:
        return default
    if not is_strict_int(value):
        raise errors.invalid_type(name, "an integer", value)
    if not minimum <= value <= maximum:
        raise errors.out_of_range(name, value, minimum=minimum, maximum=maximum)
    return value

"""The mock's own endpoints under ``/_mock/``: health, faults, failing a job, the clock, the log.

All but health act on the caller's API key only (Authorization: Bearer …), like the API itself.
"""

from __future__ import annotations

from typing import Any

from ftlab.mock import errors
from ftlab.mock.clock import ManualClock
from ftlab.mock.faults import Fault, JobFault, arm_failure
from ftlab.mock.routes import Context
from ftlab.mock.state import ClockAdvance
from ftlab.values import is_number, is_strict_int


def health(ctx: Context) -> dict[str, Any]:
    return {"status": "ok", "base_url": ctx.server.base_url}


def add_fault(ctx: Context) -> dict[str, Any]:
    """``{"status": 429, "count": 2, "method": "GET", "path": "/v1/files", "retry_after_ms": 10}``."""
    body = ctx.json_body()
    status = body.get("status")
    if not is_strict_int(status):
        raise errors.invalid_type("status", "an integer", status)
    fields = {k: body[k] for k in ("count", "method", "path", "message", "retry_after_ms") if k in body}
    try:
        fault = Fault(status, **fields)
    except (TypeError, ValueError) as error:
        raise errors.ApiError(400, str(error), param="status") from None
    return ctx.key_state.faults.add(fault).to_json()


def list_faults(ctx: Context) -> dict[str, Any]:
    return {"object": "list", "data": [f.to_json() for f in ctx.key_state.faults.pending()]}


def clear_faults(ctx: Context) -> dict[str, Any]:
    ctx.key_state.faults.clear()
    return {"deleted": True}


def fail_next_job(ctx: Context) -> dict[str, Any]:
    """``{"at_step": 3}``: the next job this key creates fails at that step (default half way)."""
    fault = _job_fault(ctx.json_body())
    ctx.key_state.faults.add_job_fault(fault)
    return {"at_step": fault.at_step, "message": fault.message, "code": fault.code}


def fail_job(ctx: Context, job_id: str) -> dict[str, Any]:
    """``{"at_step": 5}``: this job fails when it reaches step 5 (default: its next step)."""
    job = ctx.key_state.job(job_id)
    arm_failure(job, _job_fault(ctx.json_body()), next_step=True)
    return job.to_json()


def read_clock(ctx: Context) -> dict[str, Any]:
    return {"now": ctx.server.clock.now(), "manual": isinstance(ctx.server.clock, ManualClock)}


def advance_clock(ctx: Context) -> dict[str, Any]:
    """``{"advance": 60}`` moves a manual clock forward (the server must run with one); kept per key."""
    clock = ctx.server.clock
    if not isinstance(clock, ManualClock):
        raise errors.ApiError(
            400, "This server's clock runs by itself; only a manual clock can be advanced.", param="advance"
        )
    seconds = ctx.json_body().get("advance")
    if not is_number(seconds) or seconds < 0:
        raise errors.invalid_type("advance", "a number of seconds >= 0", seconds)
    state = ctx.key_state
    with state.lock:
        state.clock_advances.append(ClockAdvance(float(seconds), clock.now(), len(state.requests)))
        now = clock.advance(seconds)
    return {"now": now, "manual": True}


def list_requests(ctx: Context) -> dict[str, Any]:
    entries = [
        {"method": r.method, "path": r.path, "query": r.query, "body": r.body, "status": r.status, "at": r.at}
        for r in ctx.key_state.requests
    ]
    return {"object": "list", "data": entries}


def _job_fault(body: dict[str, Any]) -> JobFault:
    at_step = body.get("at_step")
    if at_step is not None and (not is_strict_int(at_step) or at_step < 1):
        raise errors.invalid_type("at_step", "an integer >= 1", at_step)
    return JobFault(at_step, body.get("message"), body.get("code"))

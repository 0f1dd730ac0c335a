"""The mock's own endpoints under ``/_mock/``: health, faults, failing a job, the clock, the log.

All but health act on the caller's API key only (Authorization: Bearer …), like the API itself.
"""

from __future__ import annotations

from typing import Any

from ftlab.mock import errors
from ftlab.mock.clock import ManualClock
from ftlab.mock.faults import Fault, JobFault
from ftlab.mock.routes import Context, route
from ftlab.mock.state import ClockAdvance


@route("/_mock/health", "GET")
def health(ctx: Context) -> dict[str, Any]:
    return {"status": "ok", "base_url": ctx.server.base_url}


@route("/_mock/faults", "POST")
def add_fault(ctx: Context) -> dict[str, Any]:
    """``{"status": 429, "count": 2, "method": "GET", "path": "/v1/files", "retry_after_ms": 10}``."""
    body = ctx.json_body()
    status = body.get("status")
    if not isinstance(status, int) or isinstance(status, bool):
        raise errors.invalid_type("status", "an integer", status)
    fields = {k: body[k] for k in ("count", "method", "path", "message", "retry_after_ms") if k in body}
    try:
        fault = Fault(status, **fields)
    except (TypeError, ValueError) as error:
        raise errors.ApiError(400, str(error), param="status") from None
    return ctx.key_state.faults.add(fault).to_json()


@route("/_mock/faults", "GET")
def list_faults(ctx: Context) -> dict[str, Any]:
    return {"object": "list", "data": [f.to_json() for f in ctx.key_state.faults.pending()]}


@route("/_mock/faults", "DELETE")
def clear_faults(ctx: Context) -> dict[str, Any]:
    ctx.key_state.faults.clear()
    return {"deleted": True}


@route("/_mock/job_faults", "POST")
def fail_next_job(ctx: Context) -> dict[str, Any]:
    """``{"at_step": 3}``: the next job this key creates fails at that step (default half way)."""
    fault = _job_fault(ctx.json_body())
    ctx.key_state.faults.add_job_fault(fault)
    return {"at_step": fault.at_step, "message": fault.message, "code": fault.code}


@route("/_mock/jobs/<job_id>/fail", "POST")
def fail_job(ctx: Context, job_id: str) -> dict[str, Any]:
    """``{"at_step": 5}``: this job fails when it reaches step 5 (default: its next step)."""
    from ftlab.mock.server import arm_failure

    job = ctx.key_state.job(job_id)
    arm_failure(job, _job_fault(ctx.json_body()), next_step=True)
    return job.to_json()


@route("/_mock/clock", "GET")
def read_clock(ctx: Context) -> dict[str, Any]:
    return {"now": ctx.server.clock.now(), "manual": isinstance(ctx.server.clock, ManualClock)}


@route("/_mock/clock", "POST")
def advance_clock(ctx: Context) -> dict[str, Any]:
    """``{"advance": 60}`` moves a manual clock forward (the server must run with one); kept per key."""
    clock = ctx.server.clock
    if not isinstance(clock, ManualClock):
        raise errors.ApiError(
            400, "This server's clock runs by itself; only a manual clock can be advanced.", param="advance"
        )
    seconds = ctx.json_body().get("advance")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise errors.invalid_type("advance", "a number of seconds >= 0", seconds)
    state = ctx.key_state
    with state.lock:
        state.clock_advances.append(ClockAdvance(float(seconds), clock.now(), len(state.requests)))
        now = clock.advance(seconds)
    return {"now": now, "manual": True}


@route("/_mock/requests", "GET")
def list_requests(ctx: Context) -> dict[str, Any]:
    entries = [
        {"method": r.method, "path": r.path, "query": r.query, "body": r.body, "status": r.status, "at": r.at}
        for r in ctx.key_state.requests
    ]
    return {"object": "list", "data": entries}


def _job_fault(body: dict[str, Any]) -> JobFault:
    at_step = body.get("at_step")
    if at_step is not None and (not isinstance(at_step, int) or isinstance(at_step, bool) or at_step < 1):
        raise errors.invalid_type("at_step", "an integer >= 1", at_step)
    return JobFault(at_step, body.get("message"), body.get("code"))

"""What a job reports as it runs: events and checkpoints in the shape of OpenAI's objects."""

from __future__ import annotations

from ftlab.mock.events import Checkpoint, Event


def test_an_event_is_a_fine_tuning_job_event_with_its_level_type_and_data() -> None:
    event = Event("ftevent-1", 5, "Step 1/2: training loss=1.00", type="metrics", data={"step": 1})
    assert event.to_json() == {
        "object": "fine_tuning.job.event",
        "id": "ftevent-1",
        "created_at": 5,
        "level": "info",
        "message": "Step 1/2: training loss=1.00",
        "data": {"step": 1},
        "type": "metrics",
    }


def test_an_event_without_data_shows_an_empty_object() -> None:
    assert Event("ftevent-2", 0, "Created").to_json()["data"] == {}


def test_a_checkpoint_names_its_model_job_and_step() -> None:
    checkpoint = Checkpoint(
        "ftckpt_1", 9, "ftjob-1", "ft:m:o::x:ckpt-step-4", 4, {"step": 4, "train_loss": 0.5}
    )
    assert checkpoint.to_json() == {
        "object": "fine_tuning.job.checkpoint",
        "id": "ftckpt_1",
        "created_at": 9,
        "fine_tuned_model_checkpoint": "ft:m:o::x:ckpt-step-4",
        "fine_tuning_job_id": "ftjob-1",
        "metrics": {"step": 4, "train_loss": 0.5},
        "step_number": 4,
    }

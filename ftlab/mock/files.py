"""Uploaded files: what the mock keeps of each and how it shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The purposes OpenAI accepts on upload (``FilePurpose`` in the spec).
UPLOAD_PURPOSES = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]

#: The purposes whose files must be JSONL (``.jsonl``), and the API that says so when one is not.
JSONL_PURPOSES = {"fine-tune": "Fine-Tuning", "batch": "Batch"}

#: OpenAI's limit on one uploaded file.
MAX_BYTES = 512 * 1024 * 1024


@dataclass
class StoredFile:
    """One file held for an API key: its bytes and the metadata the Files API reports."""

    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int
    status: str = "processed"

    @property
    def size(self) -> int:
        return len(self.data)

    def to_json(self) -> dict[str, Any]:
        return {
            "object": "file",
            "id": self.id,
            "purpose": self.purpose,
            "filename": self.filename,
            "bytes": self.size,
            "created_at": self.created_at,
            "status": self.status,
        }

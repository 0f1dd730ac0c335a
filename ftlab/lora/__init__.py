"""The local LoRA path: fine-tune a small open model on the same chat-format JSONL, on a CPU or GPU.

Needs the optional extra (``pip install -e '.[train]'``: torch, transformers, peft, accelerate).
Nothing here imports those at module level, so the rest of ftlab works without them:
``ftlab.cli.train_lora`` is the ``ftlab train-lora`` entry, ``ftlab.lora.backend`` the mock API's hook,
``ftlab.lora.trainer.train_adapter`` the one function both call.
"""

from __future__ import annotations

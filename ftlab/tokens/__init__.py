"""Tokens and money: the encodings, the fine-tunable models, token counts, training cost and prices."""

"""The dataset rules: chat and preference records, JSONL files, validation, statistics and the dataset report."""

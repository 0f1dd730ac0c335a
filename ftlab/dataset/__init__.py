"""The dataset rules: chat and preference records, JSONL files, validation, statistics, the reports."""

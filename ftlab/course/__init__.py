"""The course's own content: the decision rule, the challenge, the Part B journey and its API client."""

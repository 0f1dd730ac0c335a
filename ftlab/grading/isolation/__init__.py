"""Isolation: learner code in a sandboxed child, reached over a wire that carries plain data only."""

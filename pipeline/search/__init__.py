"""Exact Japanese search: the n-gram index, the query language, the engine."""

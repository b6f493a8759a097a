"""Sharing: exports, the data package, feeds."""

"""Votes: decisions from the minutes, factions' stances, recorded votes (after Popolo)."""

"""Structured facts: who claims which figure for which period, each backed by a verbatim quote."""

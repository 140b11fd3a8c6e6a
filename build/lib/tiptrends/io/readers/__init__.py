"""Readers for the raw source files: each turns one file into a tidy, typed table.

Every reader raises :class:`tiptrends.errors.DataError` on bad input, with a one-line
message naming the file and the problem, and validates its output with a pandera schema.
"""

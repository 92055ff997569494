"""Harbour's domain rules as plain functions: no Flask here, so the CLI and tests reuse them."""

"""Conformance suite: our decoder and checker against the official bfcl-eval verdicts."""

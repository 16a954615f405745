"""Distillation losses for the ranker student, one per file (sentence-transformers style)."""

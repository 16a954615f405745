"""Triton model repositories for the ONNX models (retriever encoder, ranker)."""

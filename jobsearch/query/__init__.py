"""Query understanding v1: a deterministic parser that turns plain-language job queries
into strict filters on taxonomy IDs plus the semantic text left for the encoder."""

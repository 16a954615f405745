"""What a result page needs beyond retrieval and ranking: the order (sort, near-duplicate
collapse, company diversity), the cursor of the next page, facet counts and relaxations.
The pipeline calls these; none of them knows HTTP."""

"""Digital spending and its green-budget rating."""

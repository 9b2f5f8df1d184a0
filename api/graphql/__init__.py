"""GraphQL plumbing: the schema's root, request context, execution, scalars, IDs, pagination,
errors and reads.
"""

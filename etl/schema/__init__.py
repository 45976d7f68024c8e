"""The database schema as code: the tables (the single source of truth that migrations/ must
match), their column types, the descriptions of the views, and the docs generated from them."""

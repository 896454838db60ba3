"""Everything SQLite: schema, migrations, imports, ticket writes and the SQL aggregates."""

"""Everything that touches a database: schema, loading, fingerprint, snapshot, sample generator."""

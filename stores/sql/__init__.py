"""SQL implementations of the store interfaces (SQLAlchemy Core; SQLite or PostgreSQL)."""

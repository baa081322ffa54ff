"""pandera schemas of newsclean's clean records (the only package that imports pandera)."""
from .records import DocumentSchema, FlagSchema, RemovalSchema, validate_records

__all__ = ["DocumentSchema", "FlagSchema", "RemovalSchema", "validate_records"]

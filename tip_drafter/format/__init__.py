"""The country file's format: field kinds, declarations, JSON Schema, validation and the rules."""

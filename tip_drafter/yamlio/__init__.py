"""YAML in: reading and decoding a file, parsing with positions, syntax hints, the data cache."""

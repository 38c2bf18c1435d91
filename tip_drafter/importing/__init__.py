"""Import a cable's text into a country file: input, parsing, passages, header, the no-loss check, many at once."""

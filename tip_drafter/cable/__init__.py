"""The cable: the logical model, framing paragraphs, fixed-width layout, rendering and its lint."""

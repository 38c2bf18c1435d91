"""What the cable is made of, with no I/O: classification, date-time groups, the character set, paragraph and letter numbering."""

"""zhibiao's interface: the command line and the review app (Textual)."""

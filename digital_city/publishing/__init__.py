"""Publishing releases of the warehouse for readers."""

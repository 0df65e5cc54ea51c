"""Exhibition weeks and the organisers that run them."""

"""Great Expectations over what consumers receive."""

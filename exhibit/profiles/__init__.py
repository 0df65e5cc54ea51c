"""A business's profile kept up to date, by the business and by the organisers of its weeks."""

"""The product catalogue: products with their OCOP certificates and photos, the products each
business shows at a week (listings) with the organiser's review, and the public search."""

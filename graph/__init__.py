"""ikg's domain: the store, the build (generation and import), validation and named queries. No HTTP."""

"""The firm register (firms, figures, clusters, districts, users)."""

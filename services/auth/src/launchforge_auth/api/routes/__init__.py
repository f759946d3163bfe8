"""The auth service's routers, one module per resource."""

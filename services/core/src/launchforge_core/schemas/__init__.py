"""The data shapes the API and the services share (request and response bodies).

They live here, below both layers, so a service returns them without importing
the HTTP layer, and a route declares them without reaching into a service.
"""

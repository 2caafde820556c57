"""The Verbeterbord domain: models, services and read queries. Imports no web framework."""

"""Roles and what they share: finding roles by name, profiles, comparisons, similarity, typed query
parameters that name roles. May import model and sparql (never store, importers, graph or serve)."""

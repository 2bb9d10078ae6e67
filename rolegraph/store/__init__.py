"""The persistent store (an Oxigraph database with a registry of loaded releases), validating it, and copying it
into a SPARQL server (push). May import model and sparql."""

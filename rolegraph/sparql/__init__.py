"""SPARQL: named queries and binding, engines (rdflib, Oxigraph, SPARQL servers), result formats, the
safety check and the sandbox, and the answers an on-disk engine keeps beside its store. May import model."""

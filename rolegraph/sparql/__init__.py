"""SPARQL: named queries and binding, engines (rdflib, Oxigraph, SPARQL servers), result formats, the
safety check and the sandbox. May import model."""

"""The vocabulary and its files: namespaces and IRIs, light RDF terms, finding the shipped files, parsing them (with
rdflib, or into Oxigraph without it), SHACL validation. Imports nothing of rolegraph but errors and fileio."""

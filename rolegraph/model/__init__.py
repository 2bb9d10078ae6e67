"""The vocabulary and its files: namespaces, finding the shipped files, parsing them, SHACL validation.
Imports nothing of rolegraph but errors."""

"""Alignment: mappings between the concepts and roles of different sources (the article, ESCO, O*NET), and the
similar roles ranked across all of them. ``rolegraph align`` computes both from a store and keeps them in a named
graph of their own (a source in the store's registry, replaced as a whole); SSSOM files carry mappings in and out.

Imports ``store``, ``sparql``, ``model`` and below; ``compare`` never imports it (comparisons read the alignment's
triples through SPARQL)."""

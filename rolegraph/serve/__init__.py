"""rolegraph serve: protocol rules, worker processes, what they answer, the HTTP layer. May import every part
below it: the API (api, targets), the output formats, graph, compare, store, sparql and model."""

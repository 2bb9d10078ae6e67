"""The network the design card calls the graph: the networkx projection of roles and what they link to,
its layout, exports and the HTML page. May import model, sparql and compare."""

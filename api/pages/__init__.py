"""The three web pages people use (agent desktop, wallboard, audit viewer): static HTML, CSS and
JavaScript modules served by the API itself, talking to the same REST and websocket endpoints."""

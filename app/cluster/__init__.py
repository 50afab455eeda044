"""Stories and events: pure clustering (features, stories, events, metrics) and its database service."""

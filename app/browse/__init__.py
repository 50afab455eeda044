"""Read-side service functions shared by the HTML pages and the JSON API. Each returns plain
view models (app.browse.views) built with a fixed number of queries, so templates never query."""

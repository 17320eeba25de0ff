package main

// The page's text, the same in the server's prerender and in the app.
const (
	heading   = "Hello from the floor"
	paragraph = "The smallest go-app app, served the way Margin is served, so Margin's figures have a reference."
)

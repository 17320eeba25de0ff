// Package ui holds Margin's pages as go-app components: the library, the
// reader and the page shown for unknown addresses. The same components run
// on the server, which prerenders each page with its data, and in the
// browser, which takes over from the prerendered page without redrawing it.
package ui

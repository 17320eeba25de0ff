// Package browser holds every call Margin makes into the browser's
// JavaScript world: fetch, Web Storage, the document's root attributes,
// scroll tracking and performance marks. Each function has a native twin
// that does nothing (or reports that there is no browser), so packages that
// use it build and test natively.
package browser

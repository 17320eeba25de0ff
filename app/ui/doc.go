// Package ui holds Margin's pages as go-app components: the library, the
// reader, the page of every highlight, the account page and the page shown
// for unknown addresses. The same components run on the server, which
// prerenders each page with its data, and in the browser, which takes over
// from the prerendered page without redrawing it.
//
// In the browser the pages read and write the reader's objects through a
// Device: the replica of the signed-in account (or the guest's) in
// IndexedDB, kept in step with the server by the sync engine of
// margin/app/sync in the one tab that holds the sync lock. The top bar of
// every page shows the sync status.
package ui

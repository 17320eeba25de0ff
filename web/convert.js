// The conversion worker: runs cmd/convert's module, which turns pasted
// text and files into articles away from the page's thread. Messages that
// come before the module runs wait in marginQueue.
self.marginQueue = [];
self.onmessage = (e) => self.marginQueue.push(e.data);
importScripts("/wasm_exec.js");
const go = new Go();
WebAssembly.instantiateStreaming(fetch("/web/convert.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => self.postMessage({ error: String(err) }));

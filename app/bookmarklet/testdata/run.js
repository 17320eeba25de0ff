// Runs the bookmarklet's code (the file argv[2]) against a page made of
// stubs, with fetch answering as argv[3] says, and prints what it did.
const fs = require("fs");
const vm = require("vm");
const code = fs.readFileSync(process.argv[2], "utf8");
const answer = JSON.parse(process.argv[3]);

function element(tag) {
	const el = {
		tag, style: {}, attrs: {}, children: [], listeners: {}, removed: false, text: "",
		setAttribute(k, v) { this.attrs[k] = String(v); },
		addEventListener(t, f) { this.listeners[t] = f; },
		appendChild(c) { this.children.push(c); return c; },
		remove() { this.removed = true; },
	};
	Object.defineProperty(el, "textContent", {
		get() { return this.text + this.children.map((c) => c.textContent).join(""); },
		set(v) { this.text = String(v); this.children = []; },
	});
	return el;
}

const made = [], fetches = [], opened = [], timeouts = [];
const body = element("body");
const page = {
	document: {
		createElement(tag) { const el = element(tag); made.push(el); return el; },
		body,
		documentElement: { outerHTML: "<html><body><p>The page as seen</p></body></html>" },
	},
	location: { href: "https://news.example/story?a=1&b=two words#part" },
	window: { open(u, t, f) { opened.push([u, t, f]); return null; } },
	setTimeout(f, ms) { timeouts.push(ms); },
	encodeURIComponent, JSON, Object,
	fetch(url, opts) {
		fetches.push({ url, opts });
		if (answer.reject) return Promise.reject(new TypeError("Failed to fetch"));
		return Promise.resolve({
			ok: answer.status >= 200 && answer.status < 300, status: answer.status,
			json() { return answer.body === undefined ? Promise.reject(new SyntaxError("not JSON")) : Promise.resolve(answer.body); },
		});
	},
};
vm.createContext(page);
vm.runInContext(code, page);
setTimeout(() => {
	const box = made.find((e) => e.attrs.role === "status");
	const link = box && box.children.find((c) => c.tag === "a");
	console.log(JSON.stringify({
		fetches, opened, timeouts,
		shown: body.children.includes(box),
		text: box ? box.text : null,
		link: link ? { text: link.text, href: link.href, target: link.target, rel: link.rel } : null,
		removable: !!(box && box.listeners.click),
	}));
}, 20);

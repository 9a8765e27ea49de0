// The page's script, served from the binary: live rows from the
// server-sent events of /events, the buttons (POSTs to /action with the
// page's CSRF token) and the log view.  Every value goes into the page
// as text, never as HTML.
"use strict";
(function () {
	const tokenMeta = document.querySelector('meta[name="csrf-token"]');
	const token = tokenMeta ? tokenMeta.content : "";
	const readonly = document.body.dataset.readonly === "1";
	const table = document.getElementById("procs");
	const note = document.getElementById("note");
	const live = document.getElementById("live");
	const signals = ["HUP", "INT", "TERM", "USR1", "USR2", "KILL"];

	function el(tag, props, text) {
		const e = document.createElement(tag);
		Object.assign(e, props || {});
		if (text !== undefined)
			e.textContent = text;
		return e;
	}
	function uptime(start) {
		if (!start)
			return "";
		let s = Math.max(0, Math.floor(Date.now() / 1000 - start));
		const d = Math.floor(s / 86400);
		s %= 86400;
		const two = (n) => String(n).padStart(2, "0");
		const hms = two(Math.floor(s / 3600)) + ":" +
		    two(Math.floor(s % 3600 / 60)) + ":" + two(s % 60);
		return d > 0 ? d + "d " + hms : hms;
	}
	function button(op, target, label) {
		const b = el("button", { type: "button" }, label || op);
		b.dataset.op = op;
		b.dataset.target = target;
		return b;
	}
	function actions(cell, target) {
		cell.replaceChildren();
		if (readonly)
			return;
		cell.append(button("start", target), button("stop", target),
		    button("restart", target));
		const sel = el("select");
		sel.setAttribute("aria-label", "signal");
		for (const s of signals)
			sel.append(el("option", { value: s }, s));
		cell.append(sel, button("signal", target));
	}
	function logLink(spec, stream) {
		const a = el("a", { href: "/log/" + encodeURIComponent(spec) +
		    "/" + stream }, stream);
		a.dataset.log = a.getAttribute("href");
		return a;
	}
	// A row from an event's object.  The start time is this browser's
	// clock less the uptime the server sent.
	function fill(tr, p) {
		const spec = p.group + ":" + p.name;
		const start = p.uptime >= 0 ? Date.now() / 1000 - p.uptime : 0;
		tr.dataset.spec = spec;
		const cells = [
			el("td", { className: "c-group" }, p.group),
			el("td", { className: "c-name" }, p.name),
			el("td", { className: "c-state" }),
			el("td", { className: "c-pid" }, p.pid ? String(p.pid) : ""),
			el("td", { className: "c-uptime" }, uptime(start)),
			el("td", { className: "c-restarts" }, String(p.restarts)),
			el("td", { className: "c-exit" }, p.exit),
			el("td", { className: "c-logs" }),
			el("td", { className: "c-act" }),
		];
		cells[2].append(el("span", { className: "state s-" +
		    p.state.toLowerCase() }, p.state));
		if (p.info)
			cells[2].append(" ", el("small", { className: "info" },
			    p.info));
		cells[4].dataset.start = String(start);
		cells[7].append(logLink(spec, "stdout"));
		if (p.stderr)
			cells[7].append(" ", logLink(spec, "stderr"));
		actions(cells[8], spec);
		tr.replaceChildren(...cells);
	}
	function groupBody(group) {
		for (const tb of table.tBodies)
			if (tb.dataset.group === group)
				return tb;
		const tb = el("tbody");
		tb.dataset.group = group;
		table.append(tb);
		return tb;
	}
	// A group's own buttons, unless it is one program alone (its name).
	function groupHeader(tb) {
		const alone = tb.dataset.group + ":" + tb.dataset.group;
		if (readonly || tb.querySelector("tr.grp") || [...tb.querySelectorAll(
		    "tr[data-spec]")].every((r) => r.dataset.spec === alone))
			return;
		const th = el("th", { colSpan: 9 }, tb.dataset.group + " ");
		const target = tb.dataset.group + ":*";
		th.append(button("start", target, "start all"),
		    button("stop", target, "stop all"),
		    button("restart", target, "restart all"));
		const tr = el("tr", { className: "grp" });
		tr.append(th);
		tb.prepend(tr);
	}
	function rowOf(spec) {
		for (const tr of table.querySelectorAll("tr[data-spec]"))
			if (tr.dataset.spec === spec)
				return tr;
		return null;
	}
	function update(p) {
		const spec = p.group + ":" + p.name;
		let tr = rowOf(spec);
		if (!tr) {
			tr = el("tr");
			groupBody(p.group).append(tr);
		}
		fill(tr, p);
		groupHeader(tr.parentElement);
	}
	function reset(list) {
		for (const tb of Array.from(table.tBodies))
			tb.remove();
		for (const p of list)
			update(p);
	}
	// The server's rows get their buttons.
	for (const tb of table.tBodies)
		groupHeader(tb);
	for (const tr of table.querySelectorAll("tr[data-spec]")) {
		actions(tr.querySelector(".c-act"), tr.dataset.spec);
		for (const a of tr.querySelectorAll(".c-logs a"))
			a.dataset.log = a.getAttribute("href");
	}

	const events = new EventSource("/events");
	events.addEventListener("open", () => {
		live.textContent = "live";
		live.className = "live-on";
	});
	events.addEventListener("error", () => {
		live.textContent = "not live";
		live.className = "live-off";
	});
	events.addEventListener("reset", (e) => reset(JSON.parse(e.data)));
	events.addEventListener("proc", (e) => update(JSON.parse(e.data)));
	events.addEventListener("remove", (e) => {
		const tr = rowOf(JSON.parse(e.data));
		if (tr)
			tr.remove();
	});

	// Uptimes count on in the browser; the server sends only changes.
	setInterval(() => {
		for (const td of table.querySelectorAll(".c-uptime"))
			td.textContent = uptime(Number(td.dataset.start));
	}, 1000);

	table.addEventListener("click", async (e) => {
		const b = e.target.closest("button[data-op]");
		if (!b)
			return;
		const form = new URLSearchParams({ csrf: token,
		    op: b.dataset.op, target: b.dataset.target });
		if (b.dataset.op === "signal")
			form.set("sig", b.previousElementSibling.value);
		note.textContent = b.dataset.op + " " + b.dataset.target + "…";
		try {
			const r = await fetch("/action", { method: "POST",
			    body: form, credentials: "same-origin" });
			note.textContent = await r.text();
		} catch (err) {
			note.textContent = "failed: " + err;
		}
	});

	// The log view: tail -f's stream, read as it comes.
	const view = document.getElementById("logview");
	const title = document.getElementById("logtitle");
	const text = document.getElementById("logtext");
	const LOG_KEEP = 256 * 1024;
	let reading = null;
	async function follow(url, name) {
		if (reading)
			reading.abort();
		reading = new AbortController();
		view.hidden = false;
		title.textContent = name;
		text.textContent = "";
		try {
			const r = await fetch(url, { signal: reading.signal,
			    credentials: "same-origin" });
			if (!r.ok) {
				text.textContent = await r.text();
				return;
			}
			const rd = r.body.getReader();
			const dec = new TextDecoder();
			for (;;) {
				const { value, done } = await rd.read();
				if (done)
					break;
				const atEnd = text.scrollTop + text.clientHeight >=
				    text.scrollHeight - 4;
				text.append(dec.decode(value, { stream: true }));
				if (text.textContent.length > LOG_KEEP)
					text.textContent = text.textContent.slice(-LOG_KEEP / 2);
				if (atEnd)
					text.scrollTop = text.scrollHeight;
			}
		} catch (err) {
			if (err.name !== "AbortError")
				text.append("\n[" + err + "]");
		}
	}
	document.addEventListener("click", (e) => {
		const a = e.target.closest("a[data-log]");
		if (!a)
			return;
		e.preventDefault();
		const tr = a.closest("tr");
		follow(a.dataset.log, tr ? tr.dataset.spec + " " + a.textContent :
		    a.textContent);
	});
	document.getElementById("logclose").addEventListener("click", () => {
		if (reading)
			reading.abort();
		view.hidden = true;
	});
})();

// The workspace's small helpers: live updates (Server-Sent Events), keyboard navigation of the
// queue, the document viewer, reason templates and the numbers' linking. Pages work without it.
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function status(text) {
    const el = $("#live-status");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }

  // Fetches this page again and swaps in its live parts, unless the person is typing in one.
  let refreshing = false, again = false;
  async function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    try {
      const res = await fetch(location.href, { headers: { "X-Ketanmu-Live": "1" }, credentials: "same-origin" });
      if (res.status === 401) { status("Sesi Anda sudah berakhir. Muat ulang halaman untuk masuk lagi."); return; }
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      swapQueue(doc);
      swapParts(doc);
    } catch (e) {
      status("Pembaruan langsung terputus; muat ulang halaman bila perlu.");
    } finally {
      refreshing = false;
      if (again) { again = false; refresh(); }
    }
  }

  // served keeps the HTML each live part last came with from the server: a part that comes back
  // the same is left alone, so that a button is not swapped from under a click.
  const served = new Map();
  function remember() {
    const live = $("#live");
    if (live) served.set("#live", live.innerHTML);
    $$("[data-live-part]").forEach(el => served.set(el.id, el.outerHTML));
  }

  function swapQueue(doc) {
    const cur = $("#live"), next = doc.querySelector("#live");
    if (!cur || !next) return;
    if (served.get("#live") === next.innerHTML) return;
    served.set("#live", next.innerHTML);
    const known = new Set($$("tr[data-number]", cur).map(tr => tr.dataset.number));
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.number : null;
    cur.innerHTML = next.innerHTML;
    $$("tr[data-number]", cur).forEach(tr => {
      if (!known.has(tr.dataset.number)) tr.classList.add("new");
      if (focused && tr.dataset.number === focused) tr.focus();
    });
  }

  function swapParts(doc) {
    $$("[data-live-part]").forEach(cur => {
      const next = doc.getElementById(cur.id);
      if (!next) return;
      if (cur.contains(document.activeElement) && document.activeElement !== document.body) return;
      if ($$("textarea, input[type=text], input:not([type])", cur).some(el => el.value)) return;
      if ($$("details[open]", cur).length) return;
      // Documents are fetched only when the set of documents changed.
      if (cur.dataset.signature !== undefined && cur.dataset.signature === next.dataset.signature) return;
      if (served.get(cur.id) === next.outerHTML) return;
      served.set(cur.id, next.outerHTML);
      cur.replaceWith(document.importNode(next, true));
    });
    bindViewer();
    bindTemplates();
    scrollChat();
  }

  // The chat shows its latest messages.
  function scrollChat() {
    const t = $(".transcript");
    if (t) t.scrollTop = t.scrollHeight;
  }

  function live() {
    if (!window.EventSource || !($("#live") || $("[data-live-part]"))) return;
    const es = new EventSource("/ops/events");
    es.addEventListener("change", () => { refresh(); document.dispatchEvent(new Event("ketanmu:change")); });
    // What changed between the page's rendering and the stream's start (a message arriving in
    // that moment) would otherwise wait for the next change: look once when the stream starts.
    es.addEventListener("hello", () => { status(""); refresh(); });
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) status("Pembaruan langsung berhenti. Muat ulang halaman.");
    };
    // Working time keeps running: the countdowns are refreshed every minute.
    setInterval(refresh, 60000);
  }

  // Queue: j/k or arrows move between rows, Enter opens, / searches.
  function keyboard() {
    document.addEventListener("keydown", e => {
      const t = e.target;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (e.key === "/" && !typing && $("#q")) { e.preventDefault(); $("#q").focus(); return; }
      if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
      const rows = $$(".queue tbody tr");
      if (!rows.length) return;
      const i = rows.indexOf(document.activeElement.closest ? document.activeElement.closest("tr") : null);
      if (e.key === "j" || e.key === "ArrowDown") { e.preventDefault(); rows[Math.min(i + 1, rows.length - 1)].focus(); }
      else if (e.key === "k" || e.key === "ArrowUp") { e.preventDefault(); rows[Math.max(i - 1, 0)].focus(); }
      else if (e.key === "Enter" && i >= 0 && document.activeElement.tagName === "TR") { location.href = rows[i].dataset.href; }
    });
    document.addEventListener("click", e => {
      const tr = e.target.closest && e.target.closest(".queue tbody tr");
      if (tr && !e.target.closest("a")) location.href = tr.dataset.href;
    });
  }

  // Document viewer: zoom, rotate, PDFs inline.
  let scale = 1, turn = 0;
  function applyTransform() {
    const img = $("#viewer .viewer-stage img");
    if (img) img.style.transform = "rotate(" + turn + "deg) scale(" + scale + ")";
  }
  function openViewer(url, kind) {
    const dlg = $("#viewer");
    if (!dlg) { window.open(url); return; }
    const stage = $(".viewer-stage", dlg);
    stage.textContent = "";
    scale = 1; turn = 0;
    if (kind === "pdf") {
      const f = document.createElement("iframe");
      f.src = url; f.title = "Dokumen PDF";
      stage.appendChild(f);
    } else {
      const img = document.createElement("img");
      img.src = url; img.alt = "Dokumen";
      stage.appendChild(img);
    }
    dlg.showModal();
  }
  function bindViewer() {
    $$("[data-view]").forEach(el => {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("click", e => { e.preventDefault(); openViewer(el.dataset.view, el.dataset.kind); });
    });
    const dlg = $("#viewer");
    if (!dlg || dlg.dataset.bound) return;
    dlg.dataset.bound = "1";
    dlg.addEventListener("click", e => {
      const b = e.target.closest("button");
      if (!b) return;
      if (b.dataset.zoom) scale = Math.min(8, Math.max(0.2, scale * parseFloat(b.dataset.zoom)));
      if (b.dataset.rotate) turn = (turn + 90) % 360;
      if (b.hasAttribute("data-reset")) { scale = 1; turn = 0; }
      if (b.hasAttribute("data-close")) dlg.close();
      applyTransform();
    });
    dlg.addEventListener("keydown", e => {
      if (e.key === "+" || e.key === "=") scale = Math.min(8, scale * 1.25);
      else if (e.key === "-") scale = Math.max(0.2, scale * 0.8);
      else if (e.key === "r") turn = (turn + 90) % 360;
      else return;
      applyTransform();
    });
  }

  function bindTemplates() {
    $$("select[data-fills]").forEach(sel => {
      if (sel.dataset.bound) return;
      sel.dataset.bound = "1";
      sel.addEventListener("change", () => { if (sel.value) document.getElementById(sel.dataset.fills).value = sel.value; });
    });
  }

  // Numbers: while a linking runs, show its QR code or pairing code.
  function linking() {
    $$("[data-link]").forEach(box => {
      if (!box.dataset.active) return;
      const out = $(".linkstate", box);
      const tick = async () => {
        const res = await fetch(box.dataset.link, { headers: { "X-Ketanmu-Live": "1" } });
        if (!res.ok) return;
        const st = await res.json();
        out.innerHTML = st.qr_svg || "";
        if (st.code) { const p = document.createElement("p"); p.className = "pair-code"; p.textContent = st.code; out.appendChild(p); }
        const msg = document.createElement("p");
        msg.textContent = st.error || st.progress || (st.qr_svg ? "Di HP kantor: WhatsApp › Perangkat tertaut › Tautkan perangkat, lalu pindai kode ini." : "");
        out.appendChild(msg);
        if (!st.done) setTimeout(tick, 2000);
      };
      tick();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    remember(); keyboard(); bindViewer(); bindTemplates(); scrollChat(); live(); linking();
  });
})();

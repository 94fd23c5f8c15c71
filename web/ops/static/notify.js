// Browser notifications for the workspace: a chat that waits for a person and a fix that came
// back on one of the person's cases. Off until the person turns them on with the header's
// button (the browser asks for permission then, never on load); the choice, and the optional
// short sound, are remembered by this browser (localStorage).
(function () {
  "use strict";
  const ON = "ketanmu.notify", SOUND = "ketanmu.notify.sound", SEEN = "ketanmu.notify.seen";
  const get = k => { try { return localStorage.getItem(k); } catch (e) { return null; } };
  const set = (k, v) => { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* private mode */ } };
  let btn, snd, timer = null;

  const enabled = () => get(ON) === "on" && window.Notification && Notification.permission === "granted";

  function say(text) {
    const el = document.getElementById("live-status");
    if (el) { el.textContent = text; el.hidden = !text; }
  }

  function show() {
    const on = enabled();
    btn.hidden = false;
    btn.setAttribute("aria-pressed", String(on));
    snd.hidden = !on;
    snd.setAttribute("aria-pressed", String(get(SOUND) === "on"));
    if (on && !timer) { check(); timer = setInterval(check, 20000); }
    if (!on && timer) { clearInterval(timer); timer = null; }
  }

  async function toggle() {
    if (enabled()) { set(ON, "off"); show(); return; }
    let p = Notification.permission;
    if (p === "default") {
      try { p = await Notification.requestPermission(); } catch (e) { p = "denied"; }
    }
    if (p !== "granted") {
      set(ON, "off");
      say("Browser tidak mengizinkan notifikasi. Izinkan di pengaturan situs browser, lalu coba lagi.");
      show();
      return;
    }
    set(ON, "on");
    set(SEEN, null); // what is waiting now is on the pages already: only what comes next is announced
    say("");
    show();
  }

  function beep() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      const ctx = new AC(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 660;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.18);
      osc.onended = () => ctx.close();
    } catch (e) { /* no sound is no harm */ }
  }

  let checking = false;
  async function check() {
    if (checking || !enabled()) return;
    checking = true;
    try {
      const res = await fetch("/ops/notify", { headers: { "X-Ketanmu-Live": "1" }, credentials: "same-origin" });
      if (!res.ok) return;
      const items = (await res.json()).items || [];
      const raw = get(SEEN);
      const seen = new Set(raw ? JSON.parse(raw) : []);
      set(SEEN, JSON.stringify(items.map(i => i.key)));
      if (raw === null) return;
      const fresh = items.filter(i => !seen.has(i.key));
      fresh.forEach(i => {
        const n = new Notification(i.title, { body: i.body, tag: i.key });
        n.onclick = () => { window.focus(); location.href = i.url; };
      });
      if (fresh.length && get(SOUND) === "on") beep();
    } catch (e) {
      /* the next check tries again */
    } finally {
      checking = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    btn = document.getElementById("notify-toggle");
    snd = document.getElementById("notify-sound");
    if (!btn || !snd || !window.Notification) return;
    btn.addEventListener("click", toggle);
    snd.addEventListener("click", () => {
      set(SOUND, get(SOUND) === "on" ? "off" : "on");
      show();
      if (get(SOUND) === "on") beep();
    });
    // The live stream's changes (ops.js) make it look at once; otherwise every 20 seconds.
    document.addEventListener("ketanmu:change", check);
    show();
  });
})();

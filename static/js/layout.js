// Every page: the service worker, the offline copy's marker, the phone's column switcher and
// new-action button, and an overview on a wall screen that pages through itself.
(function () {
  "use strict";
  const body = document.body;
  const html = document.documentElement;

  if (body.dataset.sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.sw, {scope: "/"}).catch(() => {});
  }

  // A page the service worker kept (offline): say so and how old it is; nothing can be changed.
  const since = html.dataset.offlineSince;
  if (since) {
    const note = document.getElementById("offline-note");
    const time = new Date(since).toLocaleString(html.lang || "nl", {
      weekday: "short", hour: "2-digit", minute: "2-digit"});
    note.textContent = note.dataset.text.replace("%(time)s", time);
    note.hidden = false;
    body.classList.add("offline", "offline-copy");
    document.querySelectorAll("main button, main input, main select, main textarea")
      .forEach((el) => { el.disabled = true; });
    document.addEventListener("submit", (evt) => evt.preventDefault(), true);
  }

  // Phone: the main navigation folds behind a Menu button.
  const menu = document.getElementById("menu-toggle");
  if (menu) {
    menu.addEventListener("click", () => {
      const open = menu.getAttribute("aria-expanded") !== "true";
      menu.setAttribute("aria-expanded", String(open));
      document.getElementById("main-nav").classList.toggle("open", open);
      menu.closest(".topbar").classList.toggle("menu-open", open);
    });
  }

  // One-time links and calendar links: a button copies the field it names.
  document.addEventListener("click", (evt) => {
    const button = evt.target.closest && evt.target.closest("button[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    field.select();
    // data-done: the button's new text; data-copied: the text for #copy-status (announced).
    const done = () => {
      if (button.dataset.done) button.textContent = button.dataset.done;
      const status = document.getElementById("copy-status");
      if (status && button.dataset.copied) status.textContent = button.dataset.copied;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, done);
    } else {
      document.execCommand("copy");  // plain http: the selected field, the old way
      done();
    }
  });

  // Phone: one column at a time; the switcher's buttons carry the counts.
  const board = document.getElementById("board");
  document.addEventListener("click", (evt) => {
    const button = evt.target.closest && evt.target.closest("[data-show-column]");
    if (!button || !board) return;
    board.dataset.show = button.dataset.showColumn;
    document.querySelectorAll("[data-show-column]").forEach((other) => {
      other.setAttribute("aria-pressed", String(other === button));
    });
  });

  // Phone: the new-action form opens from a button.
  const toggle = document.getElementById("new-action-toggle");
  if (toggle) {
    const form = document.getElementById(toggle.getAttribute("aria-controls"));
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      form.classList.toggle("open", open);
      if (open) form.querySelector("input[name=title]").focus();
    });
  }

  // "Last updated" on wall screens follows every re-read.
  body.addEventListener("htmx:afterSettle", () => {
    if (window.Verbeterbord && window.Verbeterbord.touched) window.Verbeterbord.touched();
  });

  // An overview on a wall screen: a screen further every few seconds, back to the top at the
  // end; it holds still while someone has focus on it (keyboard or a tap).
  if (body.classList.contains("display-mode") && document.getElementById("overview")) {
    const seconds = Number(body.dataset.pageSeconds || 8);
    window.setInterval(() => {
      const active = document.activeElement;
      if (active && active !== body && document.getElementById("main").contains(active)) return;
      const bottom = window.scrollY + window.innerHeight >= html.scrollHeight - 2;
      window.scrollTo({top: bottom ? 0 : window.scrollY + window.innerHeight * 0.9, behavior: "auto"});
    }, seconds * 1000);
  }
})();

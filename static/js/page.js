// Shared by the live page scripts (plain deferred files, no build step; they run in the order
// _live_scripts.html lists them): texts, announcements, messages, columns and their counts,
// and the re-reads that htmx does for us (hidden elements marked data-resync).
(function () {
  "use strict";

  const i18nNode = document.getElementById("i18n");
  const board = document.getElementById("board");
  const mine = document.getElementById("mine");
  const announcer = document.getElementById("announcer");

  const VB = window.Verbeterbord = {
    t: i18nNode ? JSON.parse(i18nNode.textContent) : {},
    board,
    mine,
    overview: document.getElementById("overview"),
    ORDER: ["todo", "doing", "done"],
    // On /me every card is one's own; the server still checks every move.
    canWrite: (board && board.dataset.canWrite === "true") || Boolean(mine),
    shownCycle: (board || mine || {dataset: {}}).dataset.cycle,
  };

  VB.fmt = function (key, values) {
    return (VB.t[key] || key).replace(/%\((\w+)\)s/g, (_m, name) => values[name]);
  };

  VB.announce = function (text) {
    // Clear first so the same text twice is still read out.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  };

  // An open dialog hides the page behind it: its own message box then gets the message.
  VB.showMessage = function (text) {
    const box = document.querySelector("dialog[open] [data-messages]") ||
      document.getElementById("messages");
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = text;
    box.replaceChildren(p);
  };

  VB.column = (status) => document.querySelector(`[data-column="${status}"]`);
  VB.cardsIn = (col) => Array.from(col.querySelectorAll(":scope > article"));
  VB.cardTitle = (card) => card.dataset.title;

  VB.positionText = function (card, key) {
    const col = card.parentElement;
    const cards = VB.cardsIn(col);
    return VB.fmt(key, {title: VB.cardTitle(card), column: col.dataset.title,
                        pos: cards.indexOf(card) + 1, count: cards.length});
  };

  // Every count of a column (its heading, the phone's column switcher); cards hidden by the
  // stand-up's person filter do not count.
  VB.updateCounts = function () {
    for (const status of VB.ORDER) {
      const col = VB.column(status);
      if (!col) continue;
      const shown = VB.cardsIn(col).filter((card) => !card.hidden).length;
      document.querySelectorAll(`[data-count="${status}"], [data-switch-count="${status}"]`).forEach((count) => {
        count.textContent = shown;
      });
    }
    VB.touched();
    // The cards' density and the wall screen's fit look again (static/js/density.js).
    document.dispatchEvent(new CustomEvent("vb:counted"));
  };

  // "Last updated": the time the page last took in a change or re-read its data.
  VB.touched = function () {
    const stamp = document.getElementById("updated-at");
    if (!stamp) return;
    const now = new Date();
    stamp.dateTime = now.toISOString();
    stamp.textContent = now.toLocaleTimeString(document.documentElement.lang || "nl",
                                               {hour: "2-digit", minute: "2-digit"});
  };

  // Re-read what the page shows: htmx elements listening for vb:resync do the fetch and swap.
  VB.resync = () => window.htmx.trigger(document.body, "vb:resync");

  // An error about one field of a form shows next to that field, tied to it for screen readers.
  function showAtField(form, field, text) {
    const input = form && form.querySelector && form.querySelector(`[name="${field}"]`);
    if (!input || !input.id) return false;
    const id = `${input.id}-error`;
    let note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "field-error";
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    input.setAttribute("aria-invalid", "true");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(id)) input.setAttribute("aria-describedby", [...described, id].join(" "));
    input.focus();
    const clear = () => {
      note.remove();
      input.removeAttribute("aria-invalid");
      const rest = described.filter((other) => other !== id).join(" ");
      if (rest) input.setAttribute("aria-describedby", rest); else input.removeAttribute("aria-describedby");
    };
    input.addEventListener("input", clear, {once: true});
    return true;
  }

  document.body.addEventListener("vb:error", (evt) => {
    const form = evt.target.closest ? evt.target.closest("form") : null;
    if (evt.detail.field && showAtField(form, evt.detail.field, evt.detail.message)) return;
    VB.showMessage(evt.detail.message);
    if (evt.detail.code === "conflict") VB.resync();
  });

  // --- after a re-read ---------------------------------------------------------
  const isResync = (evt) => evt.detail.requestConfig.elt.hasAttribute("data-resync");
  let focusedCard = null;

  document.body.addEventListener("htmx:beforeSwap", (evt) => {
    if (!isResync(evt) || !evt.detail.shouldSwap) return;
    const tpl = document.createElement("template");
    tpl.innerHTML = evt.detail.serverResponse;
    const fresh = tpl.content.getElementById(evt.detail.target.id);
    // Nothing new: leave the page alone (focus, scroll position, drag handlers).
    if (fresh && fresh.innerHTML === evt.detail.target.innerHTML) evt.detail.shouldSwap = false;
    const active = document.activeElement;
    focusedCard = active && active.closest ? active.closest("article") : null;
  });

  document.body.addEventListener("htmx:afterRequest", (evt) => {
    if (!isResync(evt) || !evt.detail.successful) return;
    // htmx re-focuses an element with an id; a focused button inside a card has none.
    const card = focusedCard && document.getElementById(focusedCard.id);
    if (card && (!document.activeElement || document.activeElement === document.body)) {
      card.focus({preventScroll: true});
    }
    focusedCard = null;
    VB.updateCounts();
    document.body.dispatchEvent(new CustomEvent("vb:resynced"));
  });
})();

// The goals panel is re-read when a goal changes: it stays open or closed as it was, and focus
// returns to where it was (a goal's first button, or the new goal's title).
(function () {
  "use strict";
  let pending = null;
  document.body.addEventListener("htmx:beforeSwap", (evt) => {
    const target = evt.detail.target;
    if (!target || target.id !== "goals-panel" || !evt.detail.shouldSwap) return;
    const active = document.activeElement;
    const goal = active && active.closest ? active.closest("[id^='goal-'], #new-goal-form") : null;
    const focusId = goal && target.contains(goal) ? goal.id : null;
    // Two swaps can overlap (the form's answer, then the re-read its broadcast asks for): the
    // second one must not forget where focus belonged before the first took it away.
    pending = pending ? {open: pending.open || target.open, focusId: focusId || pending.focusId}
      : {open: target.open, focusId};
  });
  // A goal form of this page that was saved: say so (the panel is swapped under the focus;
  // after the swap the form is gone, so this is told before it).
  document.body.addEventListener("htmx:beforeSwap", (evt) => {
    const form = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (form && form.tagName === "FORM" && evt.detail.shouldSwap && evt.detail.target &&
        evt.detail.target.id === "goals-panel") {
      window.Verbeterbord.announce(window.Verbeterbord.t.goal_saved || "");
    }
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    const panel = document.getElementById("goals-panel");
    if (!pending || !panel) return;
    const {open, focusId} = pending;
    pending = null;
    if (open) panel.open = true;
    const again = focusId && document.getElementById(focusId);
    if (!again) return;
    const field = focusId === "new-goal-form" ? document.getElementById("new-goal-title")
      : again.querySelector("button, input:not([type=hidden]), select");
    (field || again).focus({preventScroll: true});
  });
})();

// The ideas list (or, after posting, the whole ideas panel) is swapped under the focus: focus
// returns to the same idea's first button, the new idea's title, or the panel's summary when
// the idea left the list (passed on); a form of this page that was saved says so.
(function () {
  "use strict";
  let pending = null;
  const isIdeas = (target) => target && (target.id === "ideas-list" || target.id === "ideas-panel");
  document.body.addEventListener("htmx:beforeSwap", (evt) => {
    const target = evt.detail.target;
    if (!isIdeas(target) || !evt.detail.shouldSwap) return;
    const active = document.activeElement;
    const holder = active && active.closest ? active.closest("li.idea, #new-idea-form") : null;
    if (holder && target.contains(holder)) pending = {focusId: holder.id};
    const form = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (form && form.tagName === "FORM") {
      window.Verbeterbord.announce(window.Verbeterbord.t.idea_saved || "");
    }
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!pending) return;
    const {focusId} = pending;
    pending = null;
    const again = document.getElementById(focusId);
    const field = !again ? document.querySelector("#ideas-panel > summary")
      : focusId === "new-idea-form" ? document.getElementById("new-idea-title")
        : again.querySelector("button, summary");
    if (field) field.focus({preventScroll: true});
  });
})();

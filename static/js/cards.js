// Cards on the page: put in a card the server rendered (a socket event or a form's answer) at
// its place, or take one away. Older versions than the one shown are ignored.
(function () {
  "use strict";
  const VB = window.Verbeterbord;

  // A broadcast card was rendered in the language of whoever made the change.
  function localise(card) {
    card.querySelectorAll("[data-i18n]").forEach((el) => {
      if (VB.t[el.dataset.i18n]) el.textContent = VB.t[el.dataset.i18n];
    });
    card.querySelectorAll("[data-i18n-label]").forEach((el) => {
      if (VB.t[el.dataset.i18nLabel]) el.setAttribute("aria-label", VB.t[el.dataset.i18nLabel]);
    });
  }

  function parseCard(html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    return tpl.content.querySelector("article");
  }

  // Cards sit in order of their fractional position key.
  function placeCard(card) {
    const col = VB.column(card.dataset.status);
    if (!col) return;
    const next = VB.cardsIn(col).find((other) => other !== card && other.dataset.pos > card.dataset.pos);
    col.insertBefore(card, next || null);
  }

  // The board shows one cycle; /me each team's working cycle (#columns data-working, which a
  // re-read renews).
  function shows(card) {
    const columns = document.getElementById("columns");
    if (VB.mine && columns && columns.dataset.working) {
      const working = JSON.parse(columns.dataset.working)[card.dataset.team];
      return !card.dataset.outcome &&
        card.dataset.cycle === String(working === undefined ? VB.shownCycle : working);
    }
    return !VB.shownCycle || card.dataset.cycle === VB.shownCycle;
  }

  VB.applyCard = function (html, {announceMove = false} = {}) {
    const card = parseCard(html);
    if (!card) return null;
    const existing = document.getElementById(card.id);
    if (!shows(card)) {
      // A card of another cycle (e.g. carried over into the next): not on this page.
      if (existing) { existing.remove(); VB.updateCounts(); }
      // On /me, a card decided at its team's close: that team now works in the next cycle.
      if (VB.mine && card.dataset.outcome) VB.resync();
      return null;
    }
    if (existing && Number(existing.dataset.version) >= Number(card.dataset.version)) return existing;
    // Lets moves.js drop a keyboard pick-up of this card before it is replaced.
    if (existing) existing.dispatchEvent(new CustomEvent("vb:replacing", {bubbles: true}));
    const hadFocus = existing && existing.contains(document.activeElement);
    const moved = !existing || existing.dataset.status !== card.dataset.status ||
      existing.dataset.pos !== card.dataset.pos;
    localise(card);
    if (existing) existing.replaceWith(card);
    placeCard(card);
    window.htmx.process(card); // its edit button opens the editor through hx-get
    if (hadFocus) card.focus({preventScroll: true});
    VB.updateCounts();
    if (announceMove && moved) VB.announce(VB.positionText(card, "moved"));
    return card;
  };

  // What a card shows about its place: the column, key and version it carries, and which of
  // its ◀ ▶ buttons can move it (as templates/boards/_cards.html renders them).
  VB.setPlace = function (card, {status, position, version}) {
    card.dataset.status = status;
    card.dataset.pos = position;
    card.dataset.version = version;
    const first = VB.ORDER[0];
    const last = VB.ORDER[VB.ORDER.length - 1];
    card.querySelectorAll(".mv").forEach((button) => {
      button.disabled = status === (button.dataset.move === "-1" ? first : last);
    });
  };

  // A move (action.moved): the card on this page takes its new place; no HTML travels, as the
  // card shows nothing else that a move changes.
  VB.moveCard = function (moved) {
    const card = document.getElementById(`action-${moved.id}`);
    if (!card || Number(card.dataset.version) >= Number(moved.version)) return card;
    card.dispatchEvent(new CustomEvent("vb:replacing", {bubbles: true}));
    const hadFocus = card.contains(document.activeElement);
    VB.setPlace(card, moved);
    placeCard(card);
    if (hadFocus) card.focus({preventScroll: true});
    VB.updateCounts();
    VB.announce(VB.positionText(card, "moved"));
    return card;
  };

  VB.removeCard = function (id) {
    const card = document.getElementById(`action-${id}`);
    if (!card) return;
    VB.announce(VB.fmt("deleted", {title: VB.cardTitle(card)}));
    card.remove();
    VB.updateCounts();
  };

  VB.announceCreated = function (card) {
    VB.announce(VB.fmt("created", {title: VB.cardTitle(card), column: card.parentElement.dataset.title}));
  };

  // Deleting a card (the edit dialog's delete form): it leaves the page, and for a few seconds
  // "Undo" brings it back (the server restores it and tells every other page).
  const undo = document.getElementById("undo");
  let undoTimer = null;
  let undoId = null;
  const UNDO_MS = 10000;

  function hideUndo() {
    window.clearTimeout(undoTimer);
    undo.hidden = true;
    undoId = null;
  }

  function offerUndo(id, title) {
    if (!undo) return;
    undoId = id;
    undo.querySelector("[data-undo-text]").textContent = VB.fmt("deleted", {title});
    undo.hidden = false;
    window.clearTimeout(undoTimer);
    undoTimer = window.setTimeout(hideUndo, UNDO_MS);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (_e) {
      return "";
    }
  }

  if (undo) {
    undo.querySelector("[data-undo]").addEventListener("click", () => {
      const id = undoId;
      if (id === null) return;
      hideUndo();
      fetch(undo.dataset.url.replace("/0/", `/${id}/`),
            {method: "POST", headers: {"X-CSRFToken": csrfToken(), "HX-Request": "true"},
             credentials: "same-origin"})
        .then((response) => response.text().then((text) => {
          if (!response.ok) throw new Error(text);
          const card = VB.applyCard(text);
          if (card) {
            VB.announce(VB.fmt("restored", {title: VB.cardTitle(card)}));
            card.focus();
          }
        }))
        .catch(() => VB.showMessage(VB.t.undo_failed || VB.t.failed));
    });
  }

  // The title is read before the request: the deletion's broadcast may remove the card from
  // this page before the answer arrives.
  const deletingTitles = new Map();
  document.body.addEventListener("htmx:beforeRequest", (evt) => {
    const form = evt.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-delete-card")) return;
    const card = document.getElementById(`action-${form.dataset.deleteCard}`);
    if (card) deletingTitles.set(form.dataset.deleteCard, VB.cardTitle(card));
  });

  document.body.addEventListener("htmx:afterRequest", (evt) => {
    const form = evt.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-delete-card")) return;
    const id = form.dataset.deleteCard;
    const title = deletingTitles.get(id) || "";
    deletingTitles.delete(id);
    if (!evt.detail.successful) return;
    const card = document.getElementById(`action-${id}`);
    if (card) { card.remove(); VB.updateCounts(); }
    offerUndo(id, title);
    // After the dialog has closed and handed focus back.
    window.setTimeout(() => undo.querySelector("[data-undo]").focus(), 0);
  });

  // Forms whose answer is a card (new action, edit) put it on the page at once; its broadcast
  // arrives later with the same version and is then ignored.
  document.body.addEventListener("htmx:afterRequest", (evt) => {
    const form = evt.detail.elt;
    if (!form.hasAttribute("data-apply-card") || !evt.detail.successful) return;
    const card = VB.applyCard(evt.detail.xhr.responseText);
    if (form.id === "new-action") {
      const title = form.querySelector("[name=title]");
      title.value = "";
      title.focus();
      if (card) VB.announceCreated(card);
    }
  });
})();

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

  VB.applyCard = function (html, {announceMove = false} = {}) {
    const card = parseCard(html);
    if (!card) return null;
    const existing = document.getElementById(card.id);
    if (VB.shownCycle && card.dataset.cycle !== VB.shownCycle) {
      // A card of another cycle (e.g. carried over into the next): not on this page.
      if (existing) { existing.remove(); VB.updateCounts(); }
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

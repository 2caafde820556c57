// The edit dialog. A card's edit button loads the form into it with hx-get; this opens it. It
// stays open while others move or change the card: the server merges the save with their
// changes, or answers a clash with the form again (409), which is swapped into the dialog with
// the typed text kept. Only Save, Cancel and Escape close it.
(function () {
  "use strict";
  const dialog = document.getElementById("editor");
  if (!dialog) return;
  const body = document.getElementById("editor-body");
  let cardId = null; // the card whose edit button opened the dialog

  const fromEditor = (evt) => dialog.contains(evt.detail.requestConfig.elt);

  document.body.addEventListener("htmx:beforeRequest", (evt) => {
    const card = evt.detail.elt.closest("article.card");
    if (card && evt.detail.target === body) cardId = card.id;
  });

  // After settling: until then htmx keeps the old attributes on elements with the same id.
  body.addEventListener("htmx:afterSettle", (evt) => {
    if (evt.target !== body) return;
    if (!dialog.open) dialog.showModal();
    const field = body.querySelector(".clash") || body.querySelector("input:not([type=hidden])");
    if (field) field.focus();
  });

  // htmx leaves 4xx answers out; the conflict answer is the form to show again.
  document.body.addEventListener("htmx:beforeSwap", (evt) => {
    if (evt.detail.xhr.status === 409 && fromEditor(evt) && evt.detail.target === body) {
      evt.detail.shouldSwap = true;
    }
  });

  document.body.addEventListener("htmx:afterRequest", (evt) => {
    const form = evt.detail.elt;
    if (evt.detail.successful && form.hasAttribute("data-close-dialog") && fromEditor(evt)) {
      dialog.close();
    }
  });

  dialog.addEventListener("click", (evt) => {
    if (evt.target.closest("[data-close]")) dialog.close();
  });

  // Back to the card's edit button; the card may have been replaced while the dialog was open.
  dialog.addEventListener("close", () => {
    body.replaceChildren();
    const card = cardId && document.getElementById(cardId);
    const button = card && card.querySelector("button.edit");
    // A wall screen that pages through a column shows the card's page first (density.js).
    if (card) card.dispatchEvent(new CustomEvent("vb:reveal", {bubbles: true}));
    // A compact card shows its buttons only while it has focus (or is pointed at): focus it first.
    if (card) card.focus({preventScroll: true});
    if (button) button.focus();
  });
})();

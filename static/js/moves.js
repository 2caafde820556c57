// Moving cards: drag and drop (SortableJS), the keyboard (Space picks up, arrows move, Space
// drops, Escape cancels) and the ◀ ▶ buttons. The page shows the move at once and sends it
// over the socket; a refused move puts the card back and re-reads the board.
(function () {
  "use strict";
  const VB = window.Verbeterbord;
  if (!VB.canWrite) return;
  const t = VB.t;
  let picked = null; // {card, parent, next} while a card is held with the keyboard
  let dragOrigin = null;

  const placeOf = (card) => ({parent: card.parentElement, next: card.nextElementSibling});
  const cardId = (el) => Number(el.id.slice("action-".length));
  const isCard = (el) => el && el.tagName === "ARTICLE";

  function newOpId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  // Put a card back where it was; a neighbour that moved meanwhile no longer counts.
  function putBack(card, place) {
    const hadFocus = card.contains(document.activeElement);
    const next = place.next && place.next !== card && place.next.parentElement === place.parent
      ? place.next : null;
    place.parent.insertBefore(card, next);
    VB.updateCounts();
    if (hadFocus) card.focus({preventScroll: true});
  }

  function refused(card, origin, text) {
    if (origin) putBack(card, origin);
    VB.showMessage(text);
    VB.resync();
  }

  // Send the card's new place; the DOM already shows it.
  function sendMove(card, origin) {
    const prev = card.previousElementSibling;
    const next = card.nextElementSibling;
    const data = {
      action_id: cardId(card), status: card.parentElement.dataset.column,
      version: Number(card.dataset.version), op_id: newOpId(),
      before_id: isCard(prev) ? cardId(prev) : null, after_id: isCard(next) ? cardId(next) : null,
    };
    if (!VB.socket.connected) return refused(card, origin, t.offline_move);
    card.setAttribute("aria-busy", "true");
    const attempt = (triesLeft) => {
      VB.socket.timeout(5000).emit("move", data, (err, ack) => {
        // No answer: resend with the same op id, so it is applied at most once.
        if (err && triesLeft > 0 && VB.socket.connected) return attempt(triesLeft - 1);
        card.removeAttribute("aria-busy");
        if (err || !ack || !ack.ok) return refused(card, null, (ack && ack.message) || t.failed);
        // The move's own broadcast may already have replaced (and announced) this element.
        if (document.getElementById(card.id) !== card) return;
        VB.setPlace(card, ack.action);
        VB.announce(VB.positionText(card, "moved"));
      });
    };
    attempt(1);
  }

  function setUpColumns() {
    if (!window.Sortable) return;
    document.querySelectorAll("[data-column]").forEach((col) => {
      if (window.Sortable.get(col)) return; // a re-read that changed nothing keeps its columns
      window.Sortable.create(col, {
        // The whole card is a handle, its title included (people grab the big bold title): a
        // press that moves is a drag, one that does not is a click and opens the card. Its
        // buttons only click. (The title link is draggable="false", so the card drags, not it.)
        group: "board", animation: 120, draggable: "article", filter: "button, input",
        preventOnFilter: false,
        // On a touch screen a drag starts with a long press, so that a swipe still scrolls.
        delay: 350, delayOnTouchOnly: true, touchStartThreshold: 6,
        onChoose: (evt) => { dragOrigin = placeOf(evt.item); },
        onEnd: (evt) => {
          if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
          VB.updateCounts();
          sendMove(evt.item, dragOrigin);
        },
      });
    });
  }

  // --- the keyboard ------------------------------------------------------------
  function release(card) {
    card.classList.remove("picked");
    card.removeAttribute("aria-grabbed");
    picked = null;
  }

  function pick(card) {
    picked = {card, parent: card.parentElement, next: card.nextElementSibling};
    card.classList.add("picked");
    card.setAttribute("aria-grabbed", "true");
    VB.announce(VB.fmt("picked", {title: VB.cardTitle(card)}));
  }

  function cancelPick(restore) {
    if (!picked) return;
    const {card, parent, next} = picked;
    if (restore) putBack(card, {parent, next});
    release(card);
    VB.updateCounts();
    card.focus();
  }

  function drop() {
    const {card, parent, next} = picked;
    const unchanged = card.parentElement === parent && card.nextElementSibling === next;
    release(card);
    card.focus();
    if (!unchanged) sendMove(card, {parent, next});
  }

  function shift(card, dx, dy) {
    if (dy) {
      const sibling = dy < 0 ? card.previousElementSibling : card.nextElementSibling;
      if (!sibling) return;
      card.parentElement.insertBefore(card, dy < 0 ? sibling : sibling.nextElementSibling);
    } else {
      const target = VB.column(VB.ORDER[VB.ORDER.indexOf(card.parentElement.dataset.column) + dx]);
      if (!target) return;
      const index = Array.from(card.parentElement.children).indexOf(card);
      target.insertBefore(card, target.children[index] || null);
    }
    card.focus();
    VB.updateCounts();
    VB.announce(VB.positionText(card, "position"));
  }

  const ARROWS = {ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0]};

  document.addEventListener("keydown", (evt) => {
    const card = evt.target.closest && evt.target.closest("article.card");
    if (!card || evt.target !== card) return;
    if (evt.key === " " || evt.key === "Enter") {
      evt.preventDefault();
      if (picked && picked.card === card) drop(); else { cancelPick(true); pick(card); }
    } else if (evt.key === "Escape" && picked) {
      evt.preventDefault();
      cancelPick(true);
      VB.announce(t.cancelled);
    } else if (picked && picked.card === card && ARROWS[evt.key]) {
      evt.preventDefault();
      shift(card, ...ARROWS[evt.key]);
    }
  });

  document.addEventListener("focusout", (evt) => {
    if (picked && evt.target === picked.card && !picked.card.contains(evt.relatedTarget)) {
      // Moving the node blurs it for a moment; only a real focus change cancels.
      window.setTimeout(() => {
        if (picked && document.activeElement !== picked.card) cancelPick(true);
      }, 0);
    }
  });

  // ◀ ▶: the single-pointer alternative to dragging.
  document.addEventListener("click", (evt) => {
    const button = evt.target.closest && evt.target.closest("button[data-move]");
    const card = button && button.closest("article.card");
    if (!card) return;
    const target = VB.column(VB.ORDER[VB.ORDER.indexOf(card.parentElement.dataset.column) +
                                      Number(button.dataset.move)]);
    if (!target) return;
    const origin = placeOf(card);
    target.appendChild(card);
    VB.updateCounts();
    card.focus();
    sendMove(card, origin);
  });

  // "Move to…": pick the column from a list, for touch screens (and anyone who prefers it).
  let moveDialog = null;
  let moving = null;

  function dialogFor() {
    if (moveDialog) return moveDialog;
    moveDialog = document.createElement("dialog");
    moveDialog.id = "move-to";
    moveDialog.setAttribute("aria-labelledby", "move-to-title");
    const title = document.createElement("h2");
    title.id = "move-to-title";
    const list = document.createElement("div");
    list.className = "move-choices";
    for (const status of VB.ORDER) {
      const choice = document.createElement("button");
      choice.type = "button";
      choice.dataset.moveTo = status;
      list.appendChild(choice);
    }
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link";
    cancel.textContent = t.cancel;
    cancel.addEventListener("click", () => moveDialog.close());
    moveDialog.append(title, list, cancel);
    moveDialog.addEventListener("close", () => {
      if (moving && document.contains(moving)) moving.focus({preventScroll: true});
      moving = null;
    });
    list.addEventListener("click", (evt) => {
      const choice = evt.target.closest("button[data-move-to]");
      const card = moving;
      moveDialog.close();
      if (!choice || !card || !document.contains(card)) return;
      const target = VB.column(choice.dataset.moveTo);
      if (target === card.parentElement) return;
      const origin = placeOf(card);
      target.insertBefore(card, target.firstElementChild);
      VB.updateCounts();
      sendMove(card, origin);
    });
    document.body.appendChild(moveDialog);
    return moveDialog;
  }

  document.addEventListener("click", (evt) => {
    const button = evt.target.closest && evt.target.closest("button.moveto");
    const card = button && button.closest("article.card");
    if (!card) return;
    const dialog = dialogFor();
    moving = card;
    dialog.querySelector("h2").textContent = VB.fmt("move_to_title", {title: VB.cardTitle(card)});
    dialog.querySelectorAll("button[data-move-to]").forEach((choice) => {
      const col = VB.column(choice.dataset.moveTo);
      const here = col === card.parentElement;
      choice.textContent = col.dataset.title;
      choice.disabled = here;
      choice.classList.toggle("current", here);
    });
    dialog.showModal();
    const first = dialog.querySelector("button[data-move-to]:not(:disabled)");
    if (first) first.focus();
  });

  // A newer version of the held card arrived: it replaces the held one where it belongs.
  document.addEventListener("vb:replacing", (evt) => {
    if (picked && evt.target === picked.card) cancelPick(false);
  });
  // Fresh columns: hook them up; a card held in the old ones is gone.
  document.body.addEventListener("vb:resynced", () => {
    if (picked && !document.contains(picked.card)) picked = null;
    setUpColumns();
  });

  setUpColumns();
})();

// Bridges Socket.IO to the page: patches changed cards, moves cards by drag and
// drop or keyboard over the socket, announces moves, re-reads after reconnects.
(function () {
  "use strict";

  const board = document.getElementById("board");
  const mine = document.getElementById("mine");
  const overview = document.getElementById("overview");
  const announcer = document.getElementById("announcer");
  const messages = document.getElementById("messages");
  const connection = document.getElementById("connection");
  const i18nNode = document.getElementById("i18n");
  const t = i18nNode ? JSON.parse(i18nNode.textContent) : {};
  const slug = board ? board.dataset.board : null;
  // On /me every card is one's own; the server still checks every move.
  const canWrite = (board && board.dataset.canWrite === "true") || Boolean(mine);
  const ORDER = ["todo", "doing", "done"];
  let picked = null; // {card, parent, next} while a card is held with the keyboard

  function fmt(key, values) {
    return (t[key] || key).replace(/%\((\w+)\)s/g, (_m, name) => values[name]);
  }

  function announce(text) {
    // Clear first so the same text twice is still read out.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function showMessage(text) {
    messages.innerHTML = "";
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = text;
    messages.appendChild(p);
  }

  function column(status) {
    return document.querySelector(`[data-column="${status}"]`);
  }

  function cardTitle(card) {
    return card.dataset.title;
  }

  function positionText(card, key) {
    const col = card.parentElement;
    const cards = Array.from(col.querySelectorAll(":scope > article"));
    return fmt(key, {title: cardTitle(card), column: col.dataset.title,
                     pos: cards.indexOf(card) + 1, count: cards.length});
  }

  function updateCounts() {
    for (const status of ORDER) {
      const col = column(status);
      const count = document.querySelector(`[data-count="${status}"]`);
      if (col && count) count.textContent = col.querySelectorAll(":scope > article").length;
    }
  }

  function localise(card) {
    card.querySelectorAll("[data-i18n]").forEach((el) => {
      if (t[el.dataset.i18n]) el.textContent = t[el.dataset.i18n];
    });
    card.querySelectorAll("[data-i18n-label]").forEach((el) => {
      if (t[el.dataset.i18nLabel]) el.setAttribute("aria-label", t[el.dataset.i18nLabel]);
    });
  }

  function parseCard(html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    return tpl.content.querySelector("article");
  }

  function placeCard(card) {
    const col = column(card.dataset.status);
    if (!col) return;
    const pos = card.dataset.pos;
    const next = Array.from(col.querySelectorAll(":scope > article"))
      .find((other) => other !== card && other.dataset.pos > pos);
    col.insertBefore(card, next || null);
  }

  // Apply a card from the server (socket event or HTTP answer); older versions are ignored.
  const shownCycle = (board || mine || {dataset: {}}).dataset.cycle;

  function applyCard(html, {announceMove = false} = {}) {
    const card = parseCard(html);
    if (!card) return null;
    if (shownCycle && card.dataset.cycle !== shownCycle) {
      // A card of another cycle (e.g. carried over into the next): not on this page.
      const stale = document.getElementById(card.id);
      if (stale) { stale.remove(); updateCounts(); }
      return null;
    }
    const existing = document.getElementById(card.id);
    if (existing && Number(existing.dataset.version) >= Number(card.dataset.version)) return existing;
    if (picked && existing === picked.card) cancelPick(false);
    const hadFocus = existing && existing.contains(document.activeElement);
    const moved = !existing || existing.dataset.status !== card.dataset.status ||
      existing.dataset.pos !== card.dataset.pos;
    localise(card);
    if (existing) existing.replaceWith(card);
    placeCard(card);
    if (hadFocus) card.focus({preventScroll: true});
    updateCounts();
    if (announceMove && moved) announce(positionText(card, "moved"));
    return card;
  }

  function removeCard(id) {
    const card = document.getElementById(`action-${id}`);
    if (card) {
      announce(fmt("deleted", {title: cardTitle(card)}));
      card.remove();
      updateCounts();
    }
  }

  // --- re-reading: after (re)connect and after a refused move ---------------
  async function resync() {
    if (overview) { refreshOverview(); return; }
    const url = board ? board.dataset.columnsUrl : window.location.href;
    try {
      const response = await fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin"});
      if (!response.ok) return;
      const tpl = document.createElement("template");
      tpl.innerHTML = await response.text();
      const fresh = tpl.content.getElementById("columns");
      const current = document.getElementById("columns");
      if (fresh && current) {
        const focusedId = document.activeElement && document.activeElement.closest("article")
          ? document.activeElement.closest("article").id : null;
        fresh.querySelectorAll("article").forEach(localise);
        current.replaceWith(fresh);
        setUpColumns();
        if (focusedId && document.getElementById(focusedId)) {
          document.getElementById(focusedId).focus({preventScroll: true});
        }
      }
    } catch (err) {
      // Offline again; the next reconnect re-reads.
    }
  }

  // --- the socket ------------------------------------------------------------
  // A wall screen authenticates with its display link; everyone else with the session cookie.
  const displayToken = document.body.dataset.display;
  const socket = window.io({transports: ["websocket"], reconnectionDelayMax: 5000,
                            auth: displayToken ? {display: displayToken} : {}});
  let everConnected = false;

  function setState(online) {
    connection.hidden = false;
    connection.dataset.state = online ? "online" : "offline";
    connection.textContent = online ? "" : (t.offline || "Offline");
    connection.hidden = online;
    document.body.classList.toggle("offline", !online);
  }

  socket.on("connect", () => {
    const room = slug ? {board: slug} : overview ? {overview: true} : {me: true};
    socket.emit("join", room, () => {
      setState(true);
      if (everConnected) {
        resync().then(() => announce(t.online || ""));
      } else {
        resync();
      }
      everConnected = true;
    });
  });
  socket.on("disconnect", () => setState(false));
  socket.on("connect_error", () => setState(false));

  // The overview re-reads its figures (debounced) and swaps only that fragment.
  let overviewTimer = null;
  function refreshOverview() {
    window.clearTimeout(overviewTimer);
    overviewTimer = window.setTimeout(async () => {
      try {
        const response = await fetch(overview.dataset.liveUrl, {credentials: "same-origin"});
        if (!response.ok) return;
        const tpl = document.createElement("template");
        tpl.innerHTML = await response.text();
        const fresh = tpl.content.getElementById("overview-body");
        const current = document.getElementById("overview-body");
        if (fresh && current && fresh.innerHTML !== current.innerHTML) current.replaceWith(fresh);
      } catch (err) { /* offline: the reconnect re-reads */ }
    }, 250);
  }

  function onChange(payload) {
    if (overview) { refreshOverview(); return; }
    if (!payload || !payload.html) return;
    if (mine && payload.action && String(payload.action.owner.id) !== mine.dataset.personId) {
      removeCard(payload.action.id);
      return;
    }
    applyCard(payload.html, {announceMove: true});
  }
  socket.on("action.changed", onChange);
  socket.on("action.created", (payload) => {
    if (overview) { refreshOverview(); return; }
    if (mine && String(payload.action.owner.id) !== mine.dataset.personId) return;
    const card = applyCard(payload.html);
    if (card) announce(fmt("created", {title: cardTitle(card), column: card.parentElement.dataset.title}));
  });
  socket.on("action.deleted", (payload) => {
    if (overview) refreshOverview(); else removeCard(payload.action.id);
  });

  // --- moving ----------------------------------------------------------------
  function neighbourIds(card) {
    const prev = card.previousElementSibling;
    const next = card.nextElementSibling;
    return {
      before_id: prev && prev.tagName === "ARTICLE" ? Number(prev.id.slice(7)) : null,
      after_id: next && next.tagName === "ARTICLE" ? Number(next.id.slice(7)) : null,
    };
  }

  function newOpId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  function placeOf(card) {
    return {parent: card.parentElement, next: card.nextElementSibling};
  }

  // Put a card back where it was; a neighbour that moved meanwhile no longer counts.
  function putBack(card, place) {
    const hadFocus = card.contains(document.activeElement);
    const next = place.next && place.next !== card && place.next.parentElement === place.parent
      ? place.next : null;
    place.parent.insertBefore(card, next);
    updateCounts();
    if (hadFocus) card.focus({preventScroll: true});
  }

  // Send the card's new place; the DOM already shows it. Refused → re-read the board.
  function sendMove(card, origin) {
    const data = Object.assign({
      action_id: Number(card.id.slice(7)),
      status: card.parentElement.dataset.column,
      version: Number(card.dataset.version),
      op_id: newOpId(),
    }, neighbourIds(card));
    if (!socket.connected) {
      if (origin) putBack(card, origin);
      showMessage(t.offline_move);
      resync();
      return;
    }
    card.setAttribute("aria-busy", "true");
    const attempt = (triesLeft) => {
      socket.timeout(5000).emit("move", data, (err, ack) => {
        if (err) {
          // No answer: resend with the same op id, so it is applied at most once.
          if (triesLeft > 0 && socket.connected) return attempt(triesLeft - 1);
          card.removeAttribute("aria-busy");
          showMessage(t.failed);
          resync();
          return;
        }
        card.removeAttribute("aria-busy");
        if (ack && ack.ok) {
          // The move's own broadcast may already have replaced (and announced) this element.
          if (document.getElementById(card.id) === card) {
            card.dataset.version = ack.action.version;
            card.dataset.pos = ack.action.position;
            card.dataset.status = ack.action.status;
            announce(positionText(card, "moved"));
          }
        } else {
          showMessage((ack && ack.message) || t.failed);
          resync();
        }
      });
    };
    attempt(1);
  }

  let dragOrigin = null;

  function setUpColumns() {
    if (!canWrite || !window.Sortable) return;
    document.querySelectorAll("[data-column]").forEach((col) => {
      window.Sortable.create(col, {
        group: "board", animation: 120, draggable: "article", filter: "button, a, input",
        preventOnFilter: false,
        onChoose: (evt) => { dragOrigin = placeOf(evt.item); },
        onEnd: (evt) => {
          if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
          updateCounts();
          sendMove(evt.item, dragOrigin);
        },
      });
    });
  }

  // Keyboard: Space/Enter picks up, arrows move, Space/Enter drops, Escape cancels.
  function pick(card) {
    picked = {card, parent: card.parentElement, next: card.nextElementSibling};
    card.classList.add("picked");
    card.setAttribute("aria-grabbed", "true");
    announce(fmt("picked", {title: cardTitle(card)}));
  }

  function cancelPick(restore) {
    if (!picked) return;
    const {card, parent, next} = picked;
    if (restore) putBack(card, {parent, next});
    card.classList.remove("picked");
    card.removeAttribute("aria-grabbed");
    picked = null;
    updateCounts();
    card.focus();
  }

  function drop() {
    const {card, parent, next} = picked;
    const unchanged = card.parentElement === parent && card.nextElementSibling === next;
    card.classList.remove("picked");
    card.removeAttribute("aria-grabbed");
    picked = null;
    card.focus();
    if (!unchanged) sendMove(card, {parent, next});
  }

  function shift(card, dx, dy) {
    if (dy) {
      const sibling = dy < 0 ? card.previousElementSibling : card.nextElementSibling;
      if (!sibling) return;
      card.parentElement.insertBefore(card, dy < 0 ? sibling : sibling.nextElementSibling);
    } else {
      const target = column(ORDER[ORDER.indexOf(card.parentElement.dataset.column) + dx]);
      if (!target) return;
      const index = Array.from(card.parentElement.children).indexOf(card);
      target.insertBefore(card, target.children[index] || null);
    }
    card.focus();
    updateCounts();
    announce(positionText(card, "position"));
  }

  document.addEventListener("keydown", (evt) => {
    const card = evt.target.closest && evt.target.closest("article.card");
    if (!canWrite || !card || evt.target !== card) return;
    const keys = {ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0]};
    if (evt.key === " " || evt.key === "Enter") {
      evt.preventDefault();
      if (picked && picked.card === card) drop(); else { cancelPick(true); pick(card); }
    } else if (evt.key === "Escape" && picked) {
      evt.preventDefault();
      cancelPick(true);
      announce(t.cancelled);
    } else if (picked && picked.card === card && keys[evt.key]) {
      evt.preventDefault();
      shift(card, ...keys[evt.key]);
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

  // Buttons on a card: previous/next column (single-pointer alternative to dragging), edit.
  document.addEventListener("click", (evt) => {
    const button = evt.target.closest && evt.target.closest("button");
    if (!button) return;
    const card = button.closest("article.card");
    if (button.dataset.move && card && canWrite) {
      const target = column(ORDER[ORDER.indexOf(card.parentElement.dataset.column) + Number(button.dataset.move)]);
      if (!target) return;
      const origin = placeOf(card);
      target.appendChild(card);
      updateCounts();
      card.focus();
      sendMove(card, origin);
    } else if (button.dataset.edit) {
      openEditor(button.dataset.edit);
    } else if (button.hasAttribute("data-close")) {
      closeEditor();
    }
  });

  // --- the edit dialog and htmx forms ----------------------------------------
  const dialog = document.getElementById("editor");
  let editorReturn = null;

  async function openEditor(url) {
    editorReturn = document.activeElement;
    const response = await fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin"});
    if (!response.ok) { showMessage(t.failed); return; }
    document.getElementById("editor-body").innerHTML = await response.text();
    window.htmx.process(dialog);
    dialog.showModal();
    const first = dialog.querySelector("input:not([type=hidden])");
    if (first) first.focus();
  }

  function closeEditor() {
    if (dialog && dialog.open) dialog.close();
    if (editorReturn && document.contains(editorReturn)) editorReturn.focus();
  }

  document.body.addEventListener("htmx:afterRequest", (evt) => {
    const form = evt.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-apply-card") || !evt.detail.successful) return;
    const card = applyCard(evt.detail.xhr.responseText);
    if (form.id === "new-action") {
      form.querySelector("[name=title]").value = "";
      form.querySelector("[name=title]").focus();
      if (card) announce(fmt("created", {title: cardTitle(card), column: card.parentElement.dataset.title}));
    }
    if (form.hasAttribute("data-close-dialog")) closeEditor();
  });

  document.body.addEventListener("vb:error", (evt) => {
    showMessage(evt.detail.message);
    if (evt.detail.code === "conflict") {
      closeEditor();
      resync();
    }
  });

  setUpColumns();
})();

// How many cards a screen shows. The board: compact or full cards, chosen by room until the
// person picks one with the switch (kept per device). Wall screens and the stand-up: every card
// shows; a column that holds more than fits gets compact cards, smaller type down to a floor,
// two sub-columns, and at last pages through its cards by itself with a "1/2" marker.
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board || !document.getElementById("columns")) return;
  const KEY = "verbeterbord.density";
  const PAGE_SECONDS = Number(document.body.dataset.pageSeconds || 8);
  const wall = document.body.classList.contains("standup-mode");
  const wide = window.matchMedia("(min-width: 801px)");
  const toggles = Array.from(document.querySelectorAll(".density-toggle"));

  const columns = () => Array.from(document.querySelectorAll("#columns .column"));
  const shownCards = (col) => Array.from(col.querySelectorAll(".cards > article")).filter((c) => !c.hidden);
  // Wide screens give each column one screen's height; it scrolls when its cards need more.
  const overflowing = (col) => col.scrollHeight > col.clientHeight + 1;
  const dragging = () => Boolean(document.querySelector(".sortable-chosen, .card.picked"));

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (_e) { return null; }
  }

  function setDense(dense) {
    board.classList.toggle("dense", dense);
    toggles.forEach((toggle) => toggle.setAttribute("aria-pressed", String(dense)));
  }

  // --- the board -----------------------------------------------------------------
  let measured = null; // what the last choice by room was based on
  function chooseByRoom(force) {
    const choice = stored();
    if (choice) return setDense(choice === "compact");
    const basis = `${window.innerWidth}x${window.innerHeight}:${board.querySelectorAll("#columns article").length}`;
    if (!force && basis === measured) return;
    measured = basis;
    setDense(false); // measured full; both classes in one task, so nothing paints in between
    setDense(columns().some(overflowing));
  }

  toggles.forEach((toggle) => toggle.addEventListener("click", () => {
    const dense = !board.classList.contains("dense");
    try { window.localStorage.setItem(KEY, dense ? "compact" : "full"); } catch (_e) { /* private mode */ }
    setDense(dense);
  }));

  // --- wall screens and the stand-up -----------------------------------------------
  const pages = new Map(); // column -> {numbers: each shown card's page, count, shown: the page shown}
  let lastShown = new Map(); // column key -> the page it showed before the last fit

  function marker(col) {
    let mark = col.querySelector(".page-marker");
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "page-marker";
      const label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = `${window.Verbeterbord.t.page || ""} `;
      mark.append(label, document.createTextNode(""));
      col.querySelector("h2 .count").before(mark);
    }
    return mark;
  }

  function unfit(col) {
    delete col.dataset.fit;
    col.classList.remove("paged");
    col.querySelectorAll(".off-page").forEach((card) => card.classList.remove("off-page"));
    const mark = col.querySelector(".page-marker");
    if (mark) mark.hidden = true;
  }

  // Split the column's cards into pages of whole cards (whole rows, with two sub-columns).
  function pageNumbers(col, cards) {
    const base = cards[0].getBoundingClientRect().top;
    const style = window.getComputedStyle(col);
    const room = col.getBoundingClientRect().top + col.clientHeight - parseFloat(style.paddingBottom) - base;
    const tops = cards.map((c) => c.getBoundingClientRect().top - base);
    const numbers = [];
    let start = 0;
    let page = 0;
    cards.forEach((card, i) => {
      const bottom = card.getBoundingClientRect().bottom - base;
      if (bottom - start > room && tops[i] > start) {
        page += 1;
        start = tops[i];
        for (let j = i - 1; j >= 0 && tops[j] === tops[i]; j -= 1) numbers[j] = page; // its row
      }
      numbers[i] = page;
    });
    return numbers;
  }

  function showPage(col) {
    const state = pages.get(col);
    shownCards(col).forEach((card, i) => card.classList.toggle("off-page", state.numbers[i] !== state.shown));
    const mark = marker(col);
    mark.hidden = false;
    mark.lastChild.textContent = `${state.shown + 1}/${state.count}`;
  }

  function paginate(col) {
    const cards = shownCards(col);
    col.classList.add("paged");
    const numbers = pageNumbers(col, cards);
    const count = numbers[numbers.length - 1] + 1;
    const before = lastShown.get(col.dataset.key) || 0; // a change elsewhere keeps the page
    pages.set(col, {numbers, count, shown: before < count ? before : 0});
    const focused = cards.findIndex((card) => card.contains(document.activeElement));
    if (focused >= 0) pages.get(col).shown = numbers[focused];
    showPage(col);
  }

  // A card about to get focus back (from the edit dialog, editor.js) is on the page shown.
  document.addEventListener("vb:reveal", (evt) => {
    const card = evt.target.closest && evt.target.closest("article.off-page");
    const col = card && card.closest(".column");
    const state = col && pages.get(col);
    if (!state) return;
    state.shown = state.numbers[shownCards(col).indexOf(card)];
    showPage(col);
  });

  function fitWall() {
    lastShown = new Map(Array.from(pages, ([col, state]) => [col.dataset.key, state.shown]));
    pages.clear();
    columns().forEach(unfit);
    setDense(false);
    if (!wide.matches || !columns().some(overflowing)) return;
    setDense(true);
    // Smaller type: every column alike (the one that needs it most sets the size), so that the
    // wall reads as one board; sub-columns and pages only where they are needed.
    let level = 0;
    for (const col of columns()) {
      while (level < 2 && overflowing(col)) {
        level += 1;
        columns().forEach((each) => { each.dataset.fit = String(level); });
      }
    }
    for (const col of columns()) {
      if (overflowing(col) && roomForTwo(col)) col.dataset.fit = "3";
      if (overflowing(col) && shownCards(col).length > 1) paginate(col);
    }
  }

  // Two sub-columns only where a title's longer words still fit whole (about 15 em each).
  function roomForTwo(col) {
    const title = col.querySelector(".cards > article h3");
    return Boolean(title) && col.clientWidth / 2 >= 15 * parseFloat(window.getComputedStyle(title).fontSize);
  }

  // Each paged column turns a page by itself; it holds still while pointed at or focused.
  window.setInterval(() => {
    for (const [col, state] of pages) {
      if (!document.contains(col) || col.matches(":hover, :focus-within") || dragging() ||
          document.querySelector("dialog[open]")) continue;
      state.shown = (state.shown + 1) % state.count;
      showPage(col);
    }
  }, PAGE_SECONDS * 1000);

  // --- when to look again ------------------------------------------------------------
  const fit = wall ? fitWall : chooseByRoom;
  let pending = null;
  function later(force) {
    window.clearTimeout(pending);
    pending = window.setTimeout(function again() {
      if (dragging()) { pending = window.setTimeout(again, 500); return; }
      fit(force);
    }, 60);
  }
  // Counts change with every card that comes, goes or moves, and after a re-read.
  document.addEventListener("vb:counted", () => later(false));
  window.addEventListener("resize", () => later(true));
  fit(true);
})();

// Stand-up mode: walk the board person by person, then the team's new ideas; mark changed cards,
// a timer per person.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("standup-data").textContent);
  const label = document.getElementById("current-person");
  let index = -1; // -1: everyone

  function markChanged() {
    for (const id of data.changed) {
      const card = document.getElementById(`action-${id}`);
      if (card && !card.classList.contains("changed")) {
        card.classList.add("changed");
        const note = document.createElement("span");
        note.className = "visually-hidden";
        note.textContent = ` (${data.changed_label})`;
        card.querySelector("h3").appendChild(note);
      }
    }
  }

  // The steps: everyone (-1), each member, then each new idea and an end step when there are
  // new ideas. The ideas are read from the page: they come and go live.
  const ideaItems = () => Array.from(document.querySelectorAll("#standup-ideas li[data-idea-id]"));
  let shownIdea = null; // the idea on screen, so the walk stays on it when the list is re-read
  function stepCount() {
    const ideas = ideaItems().length;
    return 1 + data.members.length + (ideas ? ideas + 1 : 0);
  }

  // Shows the idea at `at` (the end step at the list's length, nothing below 0); its label.
  function showIdeas(at, items) {
    document.getElementById("standup-ideas").hidden = at < 0;
    items.forEach((item, i) => { item.hidden = i !== at; });
    document.getElementById("standup-end").hidden = at !== items.length;
    // The columns give way to the ideas (app.css: the columns' display outranks `hidden`).
    document.getElementById("board").toggleAttribute("data-walk-ideas", at >= 0);
    shownIdea = at >= 0 && at < items.length ? items[at].dataset.ideaId : null;
    if (at < 0) return null;
    if (at === items.length) return data.end;
    return data.idea.replace("%(pos)s", at + 1).replace("%(count)s", items.length)
      .replace("%(title)s", items[at].dataset.title);
  }

  function show() {
    const owner = index < 0 || index >= data.members.length ? null : String(data.members[index]);
    document.querySelectorAll("#columns article").forEach((card) => {
      card.hidden = owner !== null && card.dataset.owner !== owner;
    });
    const ideaText = showIdeas(index - data.members.length, ideaItems());
    const text = ideaText || (index < 0 ? data.everyone
      : `${data.names[index]} (${data.of.replace("%(pos)s", index + 1).replace("%(count)s", data.members.length)})`);
    // Only a change is announced: a re-read that leaves the walk where it was says nothing.
    if (label.textContent !== text) label.textContent = text;
    markChanged();
    window.Verbeterbord.updateCounts(); // the counts follow the person shown
  }

  // The new ideas were re-read: stay on the idea (or the end step) shown; when the idea was
  // decided, on the step now in its place; with no new ideas left, back to everyone (where an
  // adopted idea's card shows).
  function ideasReread() {
    const people = data.members.length;
    const items = ideaItems();
    if (index < people) { show(); return; }
    const same = items.findIndex((item) => item.dataset.ideaId === shownIdea);
    if (!items.length) index = -1;
    else if (same >= 0) index = people + same;
    else if (shownIdea === null) index = people + items.length; // the end step stays the end
    else index = Math.min(index, people + items.length);
    show();
    const active = document.activeElement;
    if (!active || active === document.body || !document.body.contains(active)) {
      document.getElementById("next-person").focus(); // the decided idea's buttons are gone
    }
  }

  function step(delta) {
    const count = stepCount();
    index = ((index + 1 + delta + count) % count) - 1;
    show();
    resetTimer(); // each person starts with their own two minutes
  }

  document.getElementById("prev-person").addEventListener("click", () => step(-1));
  document.getElementById("next-person").addEventListener("click", () => step(1));
  document.addEventListener("keydown", (evt) => {
    if (evt.target.closest("input, textarea, select, article.card")) return;
    if (evt.key === "ArrowRight" || evt.key === "n") { evt.preventDefault(); step(1); }
    if (evt.key === "ArrowLeft" || evt.key === "p") { evt.preventDefault(); step(-1); }
  });
  // Cards arrive and get replaced by live updates: keep the filter and marks applied.
  // Only new cards or columns matter: reacting to our own changes would loop.
  new MutationObserver((records) => {
    const added = (selector) => records.some((r) => Array.from(r.addedNodes).some(
      (n) => n.nodeType === 1 && n.matches(selector)));
    if (added("#standup-ideas")) ideasReread();
    else if (added("article, #columns")) show();
  }).observe(document.getElementById("board"), {childList: true, subtree: true});
  // A decision taken here is not swapped in (the form's answer is the board's list): the walk
  // re-reads its new ideas, as it does when a decision arrives live.
  document.body.addEventListener("htmx:afterRequest", (evt) => {
    const form = evt.detail.elt;
    if (form && form.closest && form.closest("#standup-ideas") && evt.detail.successful) {
      window.htmx.trigger(document.body, "vb:ideas");
    }
  });

  const display = document.getElementById("timer-display");
  const toggle = document.getElementById("timer-toggle");
  const SECONDS = 120;
  let timer = null;
  let left = SECONDS;
  function render() {
    display.textContent = `${Math.floor(Math.abs(left) / 60)}:${String(Math.abs(left) % 60).padStart(2, "0")}`;
    display.classList.toggle("over", left <= 0);
    toggle.parentElement.classList.toggle("running", timer !== null);
  }
  function startTimer() {
    if (timer) return;
    timer = window.setInterval(() => { left -= 1; render(); }, 1000);
    toggle.textContent = data.stop;
    render();
  }
  function stopTimer() {
    window.clearInterval(timer);
    timer = null;
    toggle.textContent = data.start;
    render();
  }
  // A running timer keeps running for the next person, from the full time again.
  function resetTimer() {
    left = SECONDS;
    if (timer) { window.clearInterval(timer); timer = null; startTimer(); } else render();
  }
  toggle.addEventListener("click", () => {
    if (timer) { stopTimer(); } else { left = SECONDS; startTimer(); }
  });

  // "Start stand-up" logs the start (htmx posts the form) and begins the walk: the first person,
  // their timer running, and a line that says since when.
  const started = document.getElementById("standup-started");
  document.body.addEventListener("htmx:afterRequest", (evt) => {
    const form = evt.detail.elt;
    if (!form || form.id !== "start-standup" || !evt.detail.successful) return;
    const time = new Date().toLocaleTimeString(document.documentElement.lang || "nl",
                                               {hour: "2-digit", minute: "2-digit"});
    started.textContent = data.started.replace("%(time)s", time);
    form.hidden = true;
    index = -1;
    step(1);
    startTimer();
    document.getElementById("next-person").focus();
  });
  show();
})();

// Stand-up mode: walk the board person by person, mark changed cards, a timer per person.
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

  function show() {
    const owner = index < 0 ? null : String(data.members[index]);
    document.querySelectorAll("#columns article").forEach((card) => {
      card.hidden = owner !== null && card.dataset.owner !== owner;
    });
    label.textContent = index < 0 ? data.everyone
      : `${data.names[index]} (${data.of.replace("%(pos)s", index + 1).replace("%(count)s", data.members.length)})`;
    markChanged();
    window.Verbeterbord.updateCounts(); // the counts follow the person shown
  }

  function step(delta) {
    const count = data.members.length + 1; // everyone + each member
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
    const added = records.some((r) => Array.from(r.addedNodes).some(
      (n) => n.nodeType === 1 && n.matches("article, #columns")));
    if (added) show();
  }).observe(document.getElementById("board"), {childList: true, subtree: true});

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

// The bridge from Socket.IO to the page (htmx's ws extension cannot speak Socket.IO): join the
// page's room, show the connection state, turn socket events into card patches or htmx events,
// and re-read the page when it may have missed something.
(function () {
  "use strict";
  const VB = window.Verbeterbord;
  const connection = document.getElementById("connection");
  const slug = VB.board ? VB.board.dataset.board : null;

  // A wall screen authenticates with its display link; everyone else with the session cookie.
  const displayToken = document.body.dataset.display;
  const socket = VB.socket = window.io({transports: ["websocket"], reconnectionDelayMax: 5000,
                                        auth: displayToken ? {display: displayToken} : {}});

  // When to re-read. The page was rendered with the activity log's newest id (meta vb-seq,
  // read before its data); the join ack carries the newest id after joining the room. On the
  // first connect the page re-reads only if they differ: something changed in between whose
  // broadcast it could not receive. Ids are global across boards, so a difference may be
  // another board's change: one needless re-read, never a stale page. Once joined, every
  // change arrives as an event, and versions order the cards, so the `seq` of events is not
  // used: its gaps are other boards' changes, not losses. Only a reconnect re-reads again,
  // because events sent while disconnected are lost (python-socketio does not replay them).
  const seqMeta = document.querySelector('meta[name="vb-seq"]');
  const renderedSeq = seqMeta ? Number(seqMeta.content) : NaN;
  let joinedBefore = false;

  let delayed = false; // the server's message queue is down: other servers' changes do not arrive
  // Online means joined: changes reach the page only once the join is acknowledged, so the
  // page (and a health check finishing before the ack) must not say "online" before that.
  let joined = false;

  // What the server said when it last refused to connect (too many sockets or connects),
  // shown instead of "Offline" until the socket connects again.
  let refusedWith = null;

  function setState(online) {
    const state = !online ? "offline" : (delayed ? "delayed" : "online");
    connection.dataset.state = state;
    connection.textContent = state === "offline" ? (refusedWith || VB.t.offline || "Offline")
      : (state === "delayed" ? (VB.t.delayed || "Live updates delayed") : "");
    connection.hidden = state === "online";
    document.body.classList.toggle("offline", !online);
  }

  // The socket stays connected when the server loses its message queue (Redis), but changes
  // saved through other server processes then stop arriving. /healthz says so: while it does,
  // the page shows "live updates delayed" and re-reads itself on every check; when the queue is
  // back it re-reads once more, so nothing saved meanwhile stays missing.
  const HEALTH_EVERY = 15000;
  async function checkHealth() {
    if (document.hidden) return;
    let degraded;
    try {
      const response = await fetch("/healthz", {cache: "no-store", credentials: "same-origin"});
      const body = await response.json();
      degraded = body.status === "degraded";
    } catch (_error) {
      return; // the server itself is unreachable: the socket shows "offline"
    }
    const was = delayed;
    delayed = degraded;
    if (delayed && !was) VB.announce(VB.t.delayed || "");
    if (delayed || was) VB.resync();
    setState(joined && socket.connected);
  }
  window.setInterval(checkHealth, HEALTH_EVERY);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) checkHealth(); });

  function room() {
    if (slug) return {board: slug};
    return VB.overview ? {overview: true} : {me: true};
  }

  socket.on("connect", () => {
    refusedWith = null;
    delete connection.dataset.refused;
    checkHealth();
    socket.emit("join", room(), (ack) => {
      joined = true;
      setState(true);
      if (joinedBefore) {
        announceWhenResynced();
        VB.resync();
      } else if (!(ack && ack.seq <= renderedSeq)) {
        VB.resync(); // missed something, or no id to compare
      }
      joinedBefore = true;
    });
  });
  socket.on("disconnect", () => { joined = false; setState(false); });
  socket.on("connect_error", (error) => {
    setState(false);
    const refusal = error && error.message;
    // A browser login refused on connect has ended (a wall screen's link was revoked instead).
    if (refusal === "unauthorized" && !displayToken) sessionEnded();
    if (refusal === "rate_limited" || refusal === "too_many_sockets") refused(refusal, error.data);
  });

  // The server ends a socket whose login ended (idle, too old, logged out, account disabled),
  // saying so first: show why and how to go on, instead of reconnecting to a refusal.
  let ended = false;
  socket.on("session.ended", sessionEnded);

  function sessionEnded() {
    if (ended) return;
    ended = true;
    socket.disconnect();
    const here = window.location.pathname + window.location.search;
    const link = document.createElement("a");
    link.href = `${connection.dataset.login || "/login"}?next=${encodeURIComponent(here)}`;
    link.textContent = VB.t.log_in_again || "Log in again.";
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.id = "session-ended";
    p.append(`${VB.t.session_ended || "Your session has expired."} `, link);
    document.getElementById("messages").replaceChildren(p);
  }

  // Refused for a while (too many sockets or connects, or cut off for flooding): say so in the
  // connection badge, once to screen readers, and try once after the time the server names
  // (socket.io does not retry a refusal by itself; hammering would only prolong it).
  let retryTimer = null;
  function refused(code, data) {
    const message = data && typeof data.message === "string" ? data.message : null;
    if (message && message !== refusedWith) VB.announce(message);
    refusedWith = message;
    connection.dataset.refused = code;
    setState(false);
    const wait = Math.min(Math.max(Number(data && data.retry_after) || 30, 1), 300);
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(() => {
      if (!socket.connected && !ended) socket.connect();
    }, wait * 1000);
  }

  let announcePending = false; // one announcement, however often the connection flapped
  function announceWhenResynced() {
    if (announcePending) return;
    announcePending = true;
    document.body.addEventListener("vb:resynced", () => {
      announcePending = false;
      VB.announce(VB.t.online || "");
    }, {once: true});
  }

  // The network is back: connect now instead of when socket.io's backoff timer (up to 5 s, plus
  // jitter) next fires. disconnect() drops that pending attempt; connect() starts a new one.
  window.addEventListener("online", () => {
    if (socket.connected || ended) return;
    socket.disconnect();
    socket.connect();
  });

  // --- events from the server --------------------------------------------------
  const refreshOverview = () => window.htmx.trigger(document.body, "vb:refresh");
  const notMine = (payload) => VB.mine && payload.action &&
    String(payload.action.owner.id) !== VB.mine.dataset.personId;

  socket.on("action.changed", (payload) => {
    if (VB.overview) return refreshOverview();
    if (!payload || !payload.html) return;
    // On /me a card given to someone else leaves the page.
    if (notMine(payload)) return VB.removeCard(payload.action.id);
    VB.applyCard(payload.html, {announceMove: true});
  });

  socket.on("action.moved", (payload) => {
    if (VB.overview) return refreshOverview();
    if (payload && payload.action) VB.moveCard(payload.action);
  });

  socket.on("action.created", (payload) => {
    if (VB.overview) return refreshOverview();
    if (!payload || !payload.html || notMine(payload)) return;
    const known = document.getElementById(`action-${payload.action.id}`);
    const card = VB.applyCard(payload.html);
    if (card && !known) VB.announceCreated(card);
  });

  // A goal or ambition changed: the overview re-reads itself, a board its goals panel (and the
  // new-action form's goal picker with it).
  const goalChanged = () => {
    if (VB.overview) return refreshOverview();
    if (VB.board) window.htmx.trigger(document.body, "vb:goals");
  };
  // An indicator's value, definition or signal: the same re-read shows its new sparkline.
  ["goal.created", "goal.changed", "ambition.changed", "indicator.created", "indicator.changed"]
    .forEach((name) => socket.on(name, goalChanged));
  // A new signal on an indicator's chart: shown with the re-read, and said.
  socket.on("indicator.signal", (payload) => {
    goalChanged();
    if (!payload || !payload.indicator || !payload.signals) return;
    VB.announce(`${payload.indicator.name}: ` +
                payload.signals.map((s) => `${s.period} ${s.text}`).join("; "));
  });

  // An idea was posted or changed: a board re-reads its ideas list (with the count of new ones),
  // /me its list of the person's own ideas.
  const ideaChanged = () => {
    if (VB.board || VB.mine) window.htmx.trigger(document.body, "vb:ideas");
  };
  ["idea.created", "idea.changed"].forEach((name) => socket.on(name, ideaChanged));

  socket.on("action.deleted", (payload) => {
    if (VB.overview) return refreshOverview();
    if (payload && payload.action) VB.removeCard(payload.action.id);
  });
})();

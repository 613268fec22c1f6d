/* Rotes Netz rooms: live updates over a websocket, on top of pages that work without it.
 * The database is the source of truth: after every (re)connect the client asks for what it
 * missed since the last message id it saw, and sends carry a client id so a retry after a
 * dropped connection never creates a duplicate. */
(function () {
  "use strict";

  const root = document.getElementById("room");
  if (!root || !("WebSocket" in window)) return;

  const roomId = root.dataset.room;
  const userId = root.dataset.user;
  const texts = JSON.parse(document.getElementById("room-i18n").textContent);
  const log = document.getElementById("messages");
  const stateEl = document.getElementById("conn-state");
  const errorsEl = document.getElementById("room-errors");
  const typingEl = document.getElementById("typing");
  const onlineEl = document.getElementById("online");
  const composer = document.getElementById("composer");
  // Hidden while only moderators write here: it is shown (and used) once the room opens up.
  let form = composer && !composer.hidden ? composer : null;
  const textarea = composer ? composer.querySelector("textarea") : null;
  const parentInput = document.getElementById("id_parent");
  const suggestions = document.getElementById("mention-suggestions");
  const olderLink = document.getElementById("older");

  let lastId = Number(root.dataset.lastId || 0);
  // An older page (?vor=) ends before the newest messages: its messages stay up to date, but
  // nothing is added after them, which would leave a silent gap in the conversation.
  const history = Boolean(root.dataset.history);
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const csrfToken = csrfInput ? csrfInput.value : "";
  let since = root.dataset.serverTime || "";
  let socket = null;
  let attempt = 0;
  let reconnectTimer = null;
  let ended = false; // access lost, logged out or archived: reconnecting would not help
  let everConnected = false; // the socket worked here once: while it is down, sends wait
  let lastTyping = 0;
  let lastRead = 0;
  let prefilledMention = ""; // put in by a reply within a thread
  const pending = new Map(); // client id -> {text, parent}
  // Edits sent and not yet confirmed: their editors stay open (locked) until the server says
  // yes (ack) or no (an error: the text is still there to fix).
  const editsSent = new Map(); // client id -> {done, unlock}
  // A phone's keyboard has no Shift+Enter: there Enter starts a new line (lists, addresses)
  // and the button sends, as in the messengers people know.
  const enterSends = !window.matchMedia("(hover: none) and (pointer: coarse)").matches;
  // Error codes that refuse every send in this room, not just one message.
  const ROOM_REFUSALS = new Set(["read_only", "archived", "forbidden"]);
  // What waits to be sent and the unsent draft outlive a reload or a crashed tab: they are
  // kept in this tab's sessionStorage (gone with the tab, cleared by the server on logout),
  // under the member's id so that nobody else signing in here ever sends them.
  const storeKey = "rn-room:" + userId + ":" + roomId;
  const typers = new Map(); // user id -> {name, timer}

  // --- rendering ---------------------------------------------------------------------------

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const element = template.content.firstElementChild;
    decorate(element);
    return element;
  }

  function decorate(element) {
    if (element.dataset.author === userId) element.classList.add("is-own");
    const slot = element.querySelector(".rn-actions-slot");
    if (slot) {
      const kind = element.classList.contains("is-hidden") ? "hidden" : element.dataset.pinned ? "pinned" : "open";
      const template = document.getElementById("rn-actions-" + kind);
      const actions = document.createElement("div");
      actions.innerHTML = template.innerHTML.replace(/999999999/g, element.dataset.id);
      slot.replaceWith(...actions.children);
    }
    element.querySelectorAll(".rn-reaction").forEach(function (button) {
      const mine = (button.dataset.users || "").split(",").indexOf(userId) !== -1;
      button.classList.toggle("is-mine", mine);
      button.setAttribute("aria-pressed", mine ? "true" : "false");
    });
    // Shared HTML carries a mark where the CSRF token goes (forms post without the script).
    element.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      if (input.value === "rn-csrf-token-mark") input.value = csrfToken;
    });
  }

  // Where the keyboard focus is inside a message, as child positions: the same place is
  // found again in the message's new version (a reaction, an edit, a pin replaces it whole).
  function focusPath(container) {
    // A button of a form (a reaction, pin, delete) is found again by what it does: chips
    // are sorted by emoji, so a new reaction moves the others.
    const active = document.activeElement;
    const owner = active.closest("form");
    if (owner && container.contains(owner)) {
      const emoji = owner.querySelector("[name=emoji]");
      return {
        area: owner.closest(".rn-msg-reactions") ? ".rn-msg-reactions" : ".rn-msg-action-list",
        action: owner.getAttribute("action"),
        emoji: emoji ? emoji.value : null,
      };
    }
    const path = [];
    for (let node = document.activeElement; node && node !== container; node = node.parentElement) {
      if (!node.parentElement) return null;
      path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
    }
    return path;
  }

  function sameForm(container, key) {
    const area = container.querySelector(key.area);
    if (!area) return null;
    const forms = Array.from(area.querySelectorAll("form")).filter(function (candidate) {
      const emoji = candidate.querySelector("[name=emoji]");
      return candidate.getAttribute("action") === key.action && (emoji ? emoji.value : null) === key.emoji;
    });
    return forms.length ? forms[0].querySelector("button") : null;
  }

  function restoreFocus(container, path, tagName) {
    let node = container;
    if (Array.isArray(path)) {
      for (let i = 0; node && i < path.length; i += 1) node = node.children[path[i]];
    } else {
      node = sameForm(container, path);
    }
    if (!node || node.tagName !== tagName || node.disabled || node.closest("[hidden]")) {
      node = container.querySelector("summary");
      if (!node || node.offsetParent === null) {
        node = container;
        node.tabIndex = -1;
      }
    }
    node.focus({ preventScroll: true });
  }

  function upsert(id, html, position) {
    const existing = document.getElementById("m-" + id);
    const element = fromHtml(html);
    const wasOpen = existing && existing.querySelector("details[open]");
    if (existing) {
      const focused = existing.contains(document.activeElement) ? document.activeElement : null;
      const path = focused && focusPath(existing);
      const editor = existing.querySelector(".rn-editor");
      existing.replaceWith(element);
      // A deleted message has no actions left to keep open.
      const details = wasOpen && element.querySelector("details");
      if (details) details.open = true;
      // An edit in progress survives a new version of its message (a reaction, a resync):
      // what the member typed is not thrown away.
      const body = element.querySelector(".rn-msg-body");
      const editable = body && !element.classList.contains("is-deleted") && !element.classList.contains("is-hidden");
      if (editor && editable) {
        body.hidden = true;
        body.after(editor);
      }
      if (focused && editor && editable && editor.contains(focused)) focused.focus({ preventScroll: true });
      else if (path) restoreFocus(element, path, focused.tagName);
      updateQuotes(element);
      return;
    }
    const empty = document.getElementById("no-messages");
    if (empty) empty.remove();
    if (position === "top") {
      log.insertBefore(element, log.firstChild);
      return;
    }
    // Keep the order of ids, also when a gap is filled after newer messages arrived.
    let next = null;
    for (let node = log.lastElementChild; node && Number(node.dataset.id) > id; node = node.previousElementSibling) {
      next = node;
    }
    log.insertBefore(element, next);
  }

  // An element with its properties set (id, className, textContent, htmlFor, value, …).
  function el(tag, properties) {
    return Object.assign(document.createElement(tag), properties);
  }

  function updateQuotes(message) {
    // Replies on the page quote the message they answer (as the server does, services'
    // preview): an edit shows there too, and deleted or hidden words leave the quotes.
    const gone = message.classList.contains("is-deleted") || message.classList.contains("is-hidden");
    const body = message.querySelector(".rn-msg-body");
    let words = gone || !body ? "" : body.textContent.split(/\s+/).filter(Boolean).join(" ");
    if (words.length > 80) words = words.slice(0, 79) + "…";
    log.querySelectorAll('.rn-msg[data-parent="' + message.dataset.id + '"] .rn-msg-reply').forEach(function (quote) {
      const link = quote.querySelector("a");
      quote.replaceChildren(link);
      if (words) quote.append(": " + words);
    });
  }

  function addNew(id, html) {
    const nearBottom = window.innerHeight + window.scrollY >= document.body.offsetHeight - 200;
    upsert(id, html, "bottom");
    if (id > lastId) lastId = id;
    stopTyping(Number(log.querySelector("#m-" + id).dataset.author));
    // Follow the conversation. A composer that does not stick to the bottom (large text) is
    // kept in view below the new message while one writes in it: the focus stays visible.
    const composerInFlow = form && !form.classList.contains("is-sticky");
    if (composerInFlow && (nearBottom || form.contains(document.activeElement))) {
      form.scrollIntoView({ block: nearBottom ? "end" : "nearest" });
    } else if (nearBottom) {
      log.lastElementChild.scrollIntoView({ block: "end" });
    }
    markRead();
  }

  // --- connection --------------------------------------------------------------------------

  function setState(state) {
    stateEl.dataset.state = state;
    stateEl.textContent = texts[state];
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    if (socket || ended) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    setState("connecting");
    // ?u: a session of someone else (signed in meanwhile in another tab) is refused.
    const ws = new WebSocket(scheme + "://" + location.host + "/ws/raeume/" + roomId + "/?u=" + userId);
    let opened = false;
    socket = ws;
    ws.addEventListener("open", function () {
      if (ws !== socket) return;
      opened = true;
      attempt = 0;
      awaitingPong = 0;
      everConnected = true;
      setState("online");
      send({ type: "hello", after: lastId, since: since });
      send({ type: "presence" });
      pending.forEach(function (item, ref) {
        send({ type: "send", text: item.text, parent: item.parent, ref: ref });
      });
    });
    ws.addEventListener("message", function (event) {
      if (ws === socket) handle(JSON.parse(event.data));
    });
    ws.addEventListener("close", function (event) {
      if (ws !== socket) return; // an abandoned socket: its successor is already in charge
      socket = null;
      unlockEdits();
      if (event.code === 4410) endHere("archived");
      else if (event.code === 4401) endHere("signed_out");
      else if (event.code === 4403) endHere("closed");
      else if (!opened && navigator.onLine !== false) askWhyRefused();
      else reconnectLater();
    });
  }

  function endHere(state, otherAccount) {
    // Reconnecting would not help: what waits to be sent comes back into the composer.
    ended = true;
    clearTimeout(reconnectTimer);
    if (state === "archived") {
      root.dataset.archived = "1"; // rooms.css: no edits any more
      watchReopen();
    }
    returnPending();
    setWritable(false); // the text stays to copy; a form post would be refused or lost
    setState(state);
    typers.clear();
    renderTyping();
    // What belongs to a live, writable room goes, as on a page loaded now.
    ["online-box", "mention-mails", "no-messages", "composer-keys", "composer-more"].forEach(function (id) {
      const element = document.getElementById(id);
      if (element) element.hidden = true;
    });
    // Said again beside the composer, where the member is looking (the state is at the top).
    if (state === "signed_out" && otherAccount) {
      // The sign-in page would carry on as the other account: no link to it.
      showNote("posting-note", texts.other_account, { alert: true });
    } else if (state === "signed_out") {
      const back = root.dataset.loginUrl + "?next=" + encodeURIComponent(location.pathname);
      showNote("posting-note", texts.signed_out_link, { alert: true, href: back });
    } else {
      showNote("posting-note", texts[state], { alert: true });
    }
    // Signed out: nothing of theirs stays in this browser (as after the logout response's
    // Clear-Site-Data). No access: a reload could not show this room's text either.
    if (state === "signed_out") forget(true);
    else if (state === "closed") forget(false);
  }

  // A room can be reopened while its archived page is open: the page looks now and then (and
  // when it is back in view) and then offers the reload that brings the message box back.
  function watchReopen() {
    let timer = null;
    const look = function () {
      if (document.visibilityState !== "visible") return;
      fetch(root.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (state) {
          if (!state || state.archived) return;
          clearInterval(timer);
          document.removeEventListener("visibilitychange", look);
          if (form) keep(true); // what is in the box comes back after the reload
          stateEl.hidden = false;
          stateEl.dataset.state = "reopened";
          stateEl.replaceChildren(el("a", { href: location.pathname, textContent: texts.reopened }));
        })
        .catch(function () {
          /* offline: the next look */
        });
    };
    document.addEventListener("visibilitychange", look);
    timer = setInterval(look, 120000);
  }

  function forget(everyRoom) {
    try {
      const keys = everyRoom ? Object.keys(sessionStorage) : [storeKey];
      keys.forEach(function (key) {
        if (key.indexOf("rn-room:") === 0) sessionStorage.removeItem(key);
      });
    } catch (error) {
      /* storage off */
    }
  }

  function askWhyRefused() {
    // A refused handshake looks the same for every reason (an outsider learns nothing from
    // it). The page asks over HTTP: signed out, no access any more, archived, or a server
    // that is restarting (then it keeps trying).
    setState("offline");
    fetch(root.dataset.stateUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (response.type === "opaqueredirect") return { end: "signed_out" };
        if (response.status !== 404 && !response.ok) return {};
        return response.json().then(function (state) {
          // Someone else's session (signed in meanwhile), whether or not they may read here.
          if (String(state.user) !== userId) return { end: "signed_out", other: true };
          if (response.status === 404) return { end: "closed" };
          return state.archived ? { end: "archived" } : {};
        });
      })
      .catch(function () {
        return {};
      })
      .then(function (verdict) {
        if (ended) return;
        if (verdict.end) endHere(verdict.end, verdict.other);
        else if (!socket) reconnectLater();
      });
  }

  function setWritable(allowed) {
    // What was typed stays readable (and can be copied) while it cannot be sent.
    if (!form) return;
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = !allowed;
    });
    textarea.readOnly = !allowed;
  }

  function reconnectLater() {
    setState("offline");
    clearTimeout(reconnectTimer);
    // Exponential backoff with jitter, so a restarted server is not hit by everyone at once.
    const delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  function abandon() {
    // A socket that went quiet (network lost, phone asleep) may never report its end.
    const old = socket;
    socket = null;
    unlockEdits();
    if (old) {
      try {
        old.close();
      } catch (error) {
        /* already closed */
      }
    }
    reconnectLater();
  }

  let awaitingPong = 0;
  setInterval(function () {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (awaitingPong && Date.now() - awaitingPong > 10000) {
      abandon();
      return;
    }
    if (!awaitingPong) awaitingPong = Date.now();
    send({ type: "ping" });
  }, 15000);

  window.addEventListener("offline", abandon);
  window.addEventListener("online", function () {
    attempt = 0;
    if (socket) abandon();
    clearTimeout(reconnectTimer);
    connect();
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      if (!socket) connect();
      markRead();
    }
  });
  setInterval(function () {
    send({ type: "presence" });
  }, 30000);
  // A safety net for gaps nobody noticed (e.g. the last message before a quiet period).
  setInterval(function () {
    send({ type: "hello", after: lastId, since: since });
  }, 120000);

  // --- frames from the server --------------------------------------------------------------

  function handle(frame) {
    switch (frame.type) {
      case "message":
        if (history) {
          stopTyping(frame.author);
          showNewerExist();
          break;
        }
        if (frame.prev && lastId && frame.prev > lastId) {
          // A broadcast went missing (the server or its channel layer hiccuped): fetch it.
          send({ type: "hello", after: lastId, since: since });
        }
        addNew(frame.id, frame.html);
        break;
      case "message_updated":
        if (document.getElementById("m-" + frame.id)) upsert(frame.id, frame.html);
        else if (!history && frame.id > lastId) addNew(frame.id, frame.html);
        break;
      case "backlog":
        roomState(frame);
        if (history) {
          if (frame.messages.length) showNewerExist();
        } else {
          frame.messages.forEach(function (m) {
            addNew(m.id, m.html);
          });
        }
        frame.updated.forEach(function (m) {
          if (document.getElementById("m-" + m.id)) upsert(m.id, m.html);
        });
        since = frame.server_time;
        if (frame.has_more && !history) send({ type: "hello", after: lastId, since: since });
        break;
      case "history":
        const first = log.firstElementChild;
        frame.messages.slice().reverse().forEach(function (m) {
          upsert(m.id, m.html, "top");
        });
        if (olderLink) {
          if (frame.has_more && frame.messages.length) {
            olderLink.dataset.before = frame.messages[0].id;
          } else {
            // The button goes away: the keyboard focus moves to the oldest message, not to
            // the top of the page.
            const focused = document.activeElement === olderLink;
            olderLink.remove();
            const oldest = log.firstElementChild;
            if (focused && oldest) {
              oldest.tabIndex = -1;
              oldest.focus();
            }
          }
        }
        if (first) first.scrollIntoView();
        break;
      case "pong":
        awaitingPong = 0;
        break;
      case "ack":
        if (editsSent.has(frame.ref)) {
          editsSent.get(frame.ref).done();
          editsSent.delete(frame.ref);
          break;
        }
        pending.delete(frame.ref);
        if (form) showQueued();
        // Written on an older page: it is stored; the newest messages show it in place.
        if (history && !pending.size) location.assign(location.pathname + "#neueste");
        break;
      case "error":
        showError(frame);
        break;
      case "typing":
        showTyping(frame);
        break;
      case "presence":
        showPresence(frame.users);
        break;
      case "pins":
        showPins(frame.pins);
        break;
      case "room":
        roomState(frame);
        break;
    }
  }

  function showPins(pins) {
    const section = document.getElementById("pinned");
    const list = section.querySelector("ul");
    list.replaceChildren();
    pins.forEach(function (pin) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#m-" + pin.id; // not on this page: the click handler opens its page
      link.textContent = pin.text;
      item.appendChild(link);
      list.appendChild(item);
    });
    section.hidden = pins.length === 0;
  }

  function roomState(frame) {
    mayPost(frame.can_post);
    // For those who write here; the others get the note where the composer would be.
    document.getElementById("announcements-note").hidden = !(frame.read_only && frame.can_post);
  }

  function mayPost(allowed) {
    // The room's settings changed while the page is open (e.g. announcements only).
    // Replies and reaction buttons give way to plain counts (rooms.css: rn-post-only).
    root.classList.toggle("rn-cannot-post", !allowed);
    const empty = document.getElementById("no-messages");
    if (empty) empty.textContent = allowed && form ? texts.no_messages_write : texts.no_messages;
    if (!form && allowed && composer) {
      // Loaded while only moderators wrote here: the composer comes in now.
      composer.hidden = false;
      form = composer;
      const readOnlyNote = document.getElementById("read-only-note");
      if (readOnlyNote) readOnlyNote.hidden = true;
      if (empty) empty.textContent = texts.no_messages_write;
      showNote("posting-note", texts.can_post_now);
      return;
    }
    if (form) {
      setWritable(allowed);
      showNote("posting-note", allowed ? null : texts.read_only);
    }
  }

  // A line that says what is going on: above the composer (a status), or below the messages
  // (an alert). ``text`` null removes it; ``href`` makes it a link.
  function showNote(id, text, options) {
    const settings = options || {};
    let note = document.getElementById(id);
    if (!text) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      if (settings.alert || !form) {
        note.className = "alert alert-info py-2";
        log.after(note);
      } else {
        note.className = "small text-body-secondary mb-1";
        note.setAttribute("role", "status");
        form.prepend(note);
      }
    }
    if (settings.href) {
      const link = document.createElement("a");
      link.href = settings.href;
      link.textContent = text;
      note.replaceChildren(link);
    } else {
      note.textContent = text;
    }
  }

  function showNewerExist() {
    showNote("newer-note", texts.newer_exist, { alert: true, href: location.pathname + "#neueste" });
  }

  function showQueued() {
    showNote("queued-note", pending.size ? texts.queued : null);
    // What waits is listed under the note (outside its live region: not read out again with
    // every message added), so the member sees what will be sent.
    let list = document.getElementById("queued-list");
    if (!pending.size) {
      if (list) list.remove();
    } else {
      if (!list) {
        list = el("ul", { id: "queued-list", className: "rn-queued small mb-1" });
        document.getElementById("queued-note").after(list);
      }
      list.replaceChildren.apply(
        list,
        Array.from(pending.values()).map(function (item) {
          return el("li", { textContent: item.text.length > 120 ? item.text.slice(0, 119) + "…" : item.text });
        })
      );
    }
    keep();
  }

  function keep(withDraft) {
    // ``true``: also a text that can no longer be sent (it comes back after a reload).
    const draft =
      form && withDraft !== false && (withDraft === true || !textarea.readOnly)
        ? { text: textarea.value, parent: parentInput.value, mention: prefilledMention }
        : null;
    try {
      if (!pending.size && !(draft && draft.text.trim())) sessionStorage.removeItem(storeKey);
      else sessionStorage.setItem(storeKey, JSON.stringify({ pending: Array.from(pending), draft: draft }));
    } catch (error) {
      /* storage off or full: the page still works, a reload loses what is unsent */
    }
  }

  function restore() {
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(storeKey) || "null");
    } catch (error) {
      return;
    }
    if (!kept) return;
    (kept.pending || []).forEach(function (entry) {
      pending.set(entry[0], entry[1]);
    });
    // A form the server gave back (a refused post without the script) keeps its own text.
    const draft = kept.draft;
    if (form && !textarea.readOnly) {
      if (draft && draft.text && !textarea.value) {
        textarea.value = draft.text;
        if (draft.parent && document.getElementById("m-" + draft.parent)) {
          showReplyTo(draft.parent);
          prefilledMention = draft.mention || "";
        }
      }
      showQueued();
      return;
    }
    // No composer here (the room was archived, or is for announcements meanwhile): what was
    // not sent is shown to copy, as the server does for a refused form post.
    const unsent = (kept.pending || []).map(function (entry) {
      return entry[1].text;
    });
    if (draft && draft.text.trim()) unsent.push(draft.text);
    if (unsent.length && !document.getElementById("id_unsent")) {
      const box = el("div", { id: "unsent-box", className: "mb-3" });
      const label = el("label", { htmlFor: "id_unsent", className: "form-label", textContent: texts.unsent });
      const area = el("textarea", {
        id: "id_unsent",
        rows: 3,
        className: "form-control",
        readOnly: true,
        value: unsent.join("\n\n"),
      });
      // Kept until the member says it is copied: a reload shows it again until then.
      const discard = el("button", {
        type: "button",
        className: "btn btn-sm btn-outline-secondary mt-2",
        textContent: texts.unsent_discard,
      });
      discard.addEventListener("click", function () {
        forget(false);
        box.remove();
        // The button is gone: focus goes back to the top of the room, not to the page's end.
        const heading = root.querySelector("h1");
        heading.tabIndex = -1;
        heading.focus();
      });
      box.append(label, area, discard);
      (form || log).after(box);
    }
    pending.clear(); // nothing here sends it
  }

  function returnPending() {
    // Nothing can be sent here any more: what waited comes back into the composer to copy.
    if (!pending.size || !form) return;
    const waiting = Array.from(pending.values()).map(function (item) {
      return item.text;
    });
    if (textarea.value) waiting.push(textarea.value);
    textarea.value = waiting.join("\n\n");
    pending.clear();
    showQueued();
  }

  function unlockEdits() {
    // The answer may never come: the editors open again, and saving twice changes nothing.
    editsSent.forEach(function (edit) {
      edit.unlock();
    });
    editsSent.clear();
  }

  function showError(frame) {
    const item = document.createElement("p");
    item.className = "alert alert-danger py-2";
    item.textContent = frame.message;
    errorsEl.replaceChildren(item);
    setTimeout(function () {
      item.remove();
    }, 8000);
    if (frame.ref && editsSent.has(frame.ref)) {
      editsSent.get(frame.ref).unlock(); // refused (too long, too late): the text stays to fix
      editsSent.delete(frame.ref);
    }
    if (frame.ref && pending.has(frame.ref)) {
      // Refused sends come back into the composer: nothing the member wrote is lost.
      if (ROOM_REFUSALS.has(frame.code)) {
        // No one of them would get through: all come back at once, in the order written.
        returnPending();
        return;
      }
      const item2 = pending.get(frame.ref);
      pending.delete(frame.ref);
      if (form) {
        textarea.value = textarea.value ? textarea.value + "\n\n" + item2.text : item2.text;
        showQueued();
      }
    }
  }

  function showTyping(frame) {
    const known = typers.get(frame.user);
    if (known) clearTimeout(known.timer);
    typers.set(frame.user, {
      name: frame.name,
      timer: setTimeout(function () {
        typers.delete(frame.user);
        renderTyping();
      }, 5000),
    });
    renderTyping();
  }

  function stopTyping(author) {
    // Their message is here: they are not typing it any more.
    if (!typers.has(author)) return;
    clearTimeout(typers.get(author).timer);
    typers.delete(author);
    renderTyping();
  }

  function renderTyping() {
    if (typers.size === 0) typingEl.textContent = "";
    else if (typers.size === 1) typingEl.textContent = texts.typing.replace("%(name)s", typers.values().next().value.name);
    else typingEl.textContent = texts.typing_many;
  }

  function showPresence(users) {
    onlineEl.replaceChildren();
    if (!users.length) {
      const item = document.createElement("li");
      item.textContent = texts.nobody_online;
      onlineEl.appendChild(item);
    }
    users.forEach(function (name) {
      const item = document.createElement("li");
      item.textContent = name;
      onlineEl.appendChild(item);
    });
  }

  function markRead() {
    if (history || document.hidden || !lastId || lastId <= lastRead) return;
    if (send({ type: "read", id: lastId })) lastRead = lastId;
  }

  // --- composing ---------------------------------------------------------------------------

  function newRef() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  if (composer && !enterSends) {
    document.getElementById("composer-keys").textContent = texts.keys_touch;
  }

  if (composer) {
    composer.addEventListener("submit", function (event) {
      const open = socket && socket.readyState === WebSocket.OPEN;
      // Without a working socket (never connected here, e.g. blocked by a proxy) the form
      // posts as a plain form. A socket that worked and is reconnecting, or a device that is
      // offline, keeps the message and sends it on reconnect: posting would leave the page.
      if (textarea.readOnly) {
        event.preventDefault(); // closed meanwhile: the text stays for copying
        return;
      }
      if (ended || (!open && !everConnected && navigator.onLine !== false)) {
        keep(false); // posted as a form: the page that follows shows it or gives it back
        return;
      }
      event.preventDefault();
      const text = textarea.value.trim();
      if (!text) return;
      const ref = newRef();
      const parent = parentInput.value || null;
      pending.set(ref, { text: text, parent: parent });
      send({ type: "send", text: text, parent: parent, ref: ref });
      textarea.value = "";
      clearReply();
      hideSuggestions();
      showQueued();
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      const options = Array.from(suggestions.children);
      if (options.length) {
        // While names are suggested: arrows choose, Enter (or Tab) takes, Escape closes.
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          const step = event.key === "ArrowDown" ? 1 : options.length - 1;
          markSuggestion((activeSuggestion + step) % options.length);
          return;
        }
        if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") {
          event.preventDefault();
          options[activeSuggestion].click();
          return;
        }
        if (event.key === "Escape") {
          event.preventDefault();
          hideSuggestions();
          return;
        }
      }
      if (event.key === "Escape" && parentInput && parentInput.value) {
        event.preventDefault();
        clearReply();
        return;
      }
      if (event.key === "Enter" && !event.shiftKey && enterSends) {
        event.preventDefault();
        if (!textarea.readOnly) form.requestSubmit();
      }
    });
    textarea.addEventListener("input", function () {
      const now = Date.now();
      if (now - lastTyping > 3000 && textarea.value) {
        lastTyping = now;
        send({ type: "typing" });
      }
      suggestMentions();
      keep();
    });
  }

  function setReply(id) {
    const message = document.getElementById("m-" + id);
    if (!message || !parentInput) return;
    const answered = message.querySelector(".rn-msg-author").textContent;
    // Threads are one level deep (services.reply_target): a reply to a reply goes under the
    // thread's first message and mentions the one it answers.
    const threadId = message.dataset.parent || id;
    showReplyTo(threadId, message);
    const mention = "@**" + answered + "** ";
    if (message.dataset.parent && message.dataset.author !== userId && textarea.value.indexOf(mention) === -1) {
      textarea.value = mention + textarea.value;
      prefilledMention = mention;
    }
    textarea.focus();
    keep();
  }

  function showReplyTo(threadId, message) {
    const thread = document.getElementById("m-" + threadId);
    parentInput.value = threadId;
    document.getElementById("reply-text").textContent = thread
      ? texts.reply_to.replace("%(name)s", thread.querySelector(".rn-msg-author").textContent)
      : message.querySelector(".rn-msg-reply a").textContent; // the first one is on an older page
    document.getElementById("reply-indicator").classList.remove("d-none");
  }

  function clearReply() {
    if (!parentInput) return;
    parentInput.value = "";
    // The mention the reply started with goes with it (if it is still at the start).
    if (prefilledMention && textarea.value.indexOf(prefilledMention) === 0) {
      textarea.value = textarea.value.slice(prefilledMention.length);
    }
    prefilledMention = "";
    document.getElementById("reply-indicator").classList.add("d-none");
    keep();
  }

  const cancel = document.getElementById("reply-cancel");
  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      clearReply();
      textarea.focus(); // the link hides itself: the keyboard goes on where the text is
    });
  }

  // --- @mentions ---------------------------------------------------------------------------

  let suggestTimer = null;
  let activeSuggestion = 0;

  function hideSuggestions() {
    if (suggestions) suggestions.replaceChildren();
    if (textarea) textarea.removeAttribute("aria-activedescendant");
    const status = document.getElementById("mention-status");
    if (status) status.textContent = "";
  }

  function markSuggestion(index) {
    activeSuggestion = index;
    Array.from(suggestions.children).forEach(function (option, position) {
      option.classList.toggle("active", position === index);
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    const active = suggestions.children[index];
    if (active) textarea.setAttribute("aria-activedescendant", active.id);
  }

  function suggestMentions() {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = before.match(/@([^\s@*]{0,30})$/);
    clearTimeout(suggestTimer);
    if (!match) {
      hideSuggestions();
      return;
    }
    suggestTimer = setTimeout(function () {
      fetch(root.dataset.namesUrl + "?q=" + encodeURIComponent(match[1]), { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { names: [] };
        })
        .then(function (data) {
          hideSuggestions();
          data.names.forEach(function (name, position) {
            const button = document.createElement("button");
            button.type = "button";
            button.id = "mention-option-" + position;
            button.tabIndex = -1; // reached with the arrow keys from the composer
            button.className = "btn btn-sm btn-outline-secondary me-1 mb-1";
            button.setAttribute("role", "option");
            button.textContent = "@" + name;
            button.addEventListener("click", function () {
              const start = textarea.selectionStart - match[0].length;
              textarea.setRangeText("@**" + name + "** ", start, textarea.selectionStart, "end");
              keep();
              hideSuggestions();
              textarea.focus();
            });
            suggestions.appendChild(button);
          });
          if (data.names.length) {
            markSuggestion(0);
            document.getElementById("mention-status").textContent = texts.mention_choices.replace(
              "%(count)s",
              data.names.length
            );
          }
        })
        .catch(hideSuggestions);
    }, 200);
  }

  // --- actions on messages -----------------------------------------------------------------

  log.addEventListener("submit", function (event) {
    const actionForm = event.target.closest("form[data-ws]");
    if (!actionForm) return;
    const id = Number(actionForm.closest(".rn-msg").dataset.id);
    const action = actionForm.dataset.ws;
    if (action === "delete" && !window.confirm(texts.confirm_delete)) {
      event.preventDefault();
      return;
    }
    const frame = { type: action, id: id };
    if (action === "react") frame.emoji = actionForm.querySelector("[name=emoji]").value;
    if (action === "hide") frame.reason = actionForm.querySelector("[name=reason]").value;
    if (send(frame)) {
      event.preventDefault();
      return;
    }
    if (everConnected || navigator.onLine === false) {
      // Reconnecting: posting the form would leave the page (and what waits to be sent).
      event.preventDefault();
      showError({ message: texts.action_offline });
      return;
    }
    // The socket never worked here: the form posts normally.
    if (action === "delete") {
      // Asked above already: the server does not need to ask again.
      const confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      actionForm.appendChild(confirmed);
    }
  });

  // A link to a message that is not on this page (a reply to an older one, a pin) opens the
  // conversation around it instead of going nowhere.
  document.addEventListener("click", function (event) {
    const link = event.target.closest('a[href^="#m-"]');
    if (!link) return;
    const id = Number(link.getAttribute("href").slice(3));
    if (!id || document.getElementById("m-" + id)) return;
    event.preventDefault();
    location.href = location.pathname + "?vor=" + (id + 1) + "#m-" + id;
  });

  log.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-action]");
    if (!link) return;
    const message = link.closest(".rn-msg");
    const menu = link.closest("details");
    if (link.dataset.action === "reply" && form) {
      event.preventDefault();
      if (menu) menu.open = false; // chosen: the menu has done its job
      setReply(message.dataset.id);
    }
    if (link.dataset.action === "edit" && (socket || everConnected)) {
      event.preventDefault();
      if (menu) menu.open = false;
      startEdit(message, link.href);
    }
  });

  function startEdit(message, url) {
    if (message.querySelector(".rn-editor")) return;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (page) {
        const source = new DOMParser().parseFromString(page, "text/html").querySelector("textarea");
        const body = message.querySelector(".rn-msg-body");
        const editor = el("form", { className: "rn-editor" });
        const area = el("textarea", {
          id: "edit-" + message.dataset.id,
          className: "form-control",
          rows: 3,
          value: source ? source.value : "",
        });
        if (source && source.maxLength > 0) area.maxLength = source.maxLength;
        const label = el("label", { htmlFor: area.id, className: "visually-hidden", textContent: texts.edit_label });
        const save = el("button", {
          type: "submit",
          className: "btn btn-sm btn-primary mt-1 me-1",
          textContent: texts.edit_save,
        });
        const cancelButton = el("button", {
          type: "button",
          className: "btn btn-sm btn-outline-secondary mt-1",
          textContent: texts.edit_cancel,
        });
        editor.append(label, area, save, cancelButton);
        body.hidden = true;
        body.after(editor);
        area.focus();
        const close = function () {
          // Closed by the server's yes a moment later: the focus stays where the member went.
          const hadFocus = editor.contains(document.activeElement) || document.activeElement === document.body;
          editor.remove();
          // The message may have been replaced by a newer version meanwhile (upsert).
          const current = document.getElementById("m-" + message.dataset.id);
          if (!current) return;
          current.querySelector(".rn-msg-body").hidden = false;
          // Back where the member started: the message's action menu.
          const summary = current.querySelector("summary");
          if (summary && hadFocus) summary.focus();
        };
        cancelButton.addEventListener("click", close);
        area.addEventListener("keydown", function (event) {
          if (event.key === "Escape") {
            event.preventDefault();
            close();
          } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing && enterSends) {
            event.preventDefault();
            editor.requestSubmit();
          }
        });
        editor.addEventListener("submit", function (event) {
          event.preventDefault();
          if (save.disabled) return;
          const ref = newRef();
          if (!send({ type: "edit", id: Number(message.dataset.id), text: area.value, ref: ref })) {
            // Not connected: the change stays in the editor until it can be saved.
            showError({ message: texts.edit_offline });
            return;
          }
          save.disabled = true;
          area.readOnly = true;
          editsSent.set(ref, {
            done: close,
            unlock: function () {
              save.disabled = false;
              area.readOnly = false;
              if (editor.isConnected) area.focus();
            },
          });
        });
      })
      .catch(function () {
        showError({ message: texts.action_offline });
      });
  }

  // Escape closes an open action menu and leaves the focus on its button.
  log.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const menu = event.target.closest("details[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  if (olderLink) {
    olderLink.addEventListener("click", function (event) {
      if (send({ type: "history", before: Number(olderLink.dataset.before) })) event.preventDefault();
    });
  }

  // The composer sticks to the bottom of the screen only while it takes less than 40 % of it:
  // with large text a sticky composer would hide most of the messages.
  if (composer) {
    const placeComposer = function () {
      if (composer.hidden) return;
      const sticky = composer.offsetHeight < window.innerHeight * 0.4;
      const unpinned = composer.classList.contains("is-sticky") && !sticky;
      composer.classList.toggle("is-sticky", sticky);
      // What gets the focus or is scrolled to stops above the sticky composer, not under it.
      document.documentElement.style.scrollPaddingBottom = sticky ? composer.offsetHeight + "px" : "";
      // Grown while in use (a reply line, the list of names, the help, a phone's keyboard):
      // it drops back to the end of the page, so the view goes with it.
      if (unpinned && composer.contains(document.activeElement)) {
        if (composer.offsetHeight <= window.innerHeight) composer.scrollIntoView({ block: "end" });
        else document.activeElement.scrollIntoView({ block: "start" }); // the list follows below
      }
    };
    if ("ResizeObserver" in window) new ResizeObserver(placeComposer).observe(composer);
    window.addEventListener("resize", placeComposer);
    placeComposer();
  }

  log.querySelectorAll(".rn-msg").forEach(decorate);
  restore();
  // A conversation opens at its newest message (a link to one message keeps its anchor, and
  // older pages keep their place). On a phone the top of the page is fifty messages back.
  const toNewest = !location.hash || location.hash === "#neueste";
  if (toNewest && !history && log.lastElementChild) {
    log.lastElementChild.scrollIntoView({ block: "end" });
  }
  if (root.dataset.archived) {
    ended = true; // nothing happens here any more: no socket, no reconnect attempts
    setState("archived");
    stateEl.hidden = true; // the page says so above already
    watchReopen();
  } else {
    connect();
  }
})();

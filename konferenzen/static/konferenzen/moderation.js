// Live moderator view of the questions: a websocket keeps the list sorted by support.
// Without JavaScript the page still works through the forms (each action reloads the page).
(function () {
  "use strict";

  const root = document.getElementById("rn-moderation");
  if (!root) {
    return;
  }
  const list = document.getElementById("rn-question-list");
  const empty = document.getElementById("rn-no-questions");
  const status = document.getElementById("rn-live-status");
  const template = document.getElementById("rn-question-template");
  const topicForm = document.querySelector(".rn-topic-form");
  const labels = root.dataset;
  let topics = [];
  let socket = null;
  let retry = 1000;

  function selectTopics(select, current) {
    const chosen = current === null || current === undefined ? "" : String(current);
    select.replaceChildren();
    const none = document.createElement("option");
    none.value = "";
    none.textContent = labels.labelNoTopic;
    select.appendChild(none);
    topics.forEach(function (topic) {
      const option = document.createElement("option");
      option.value = String(topic.id);
      option.textContent = topic.name;
      select.appendChild(option);
    });
    select.value = chosen;
  }

  function itemFor(id) {
    return list.querySelector('[data-question-id="' + id + '"]');
  }

  function newItem(question) {
    const fragment = template.content.cloneNode(true);
    const item = fragment.querySelector(".rn-question");
    item.dataset.questionId = String(question.id);
    const form = item.querySelector("form");
    form.action = labels.moderateUrl.replace("/0/", "/" + question.id + "/");
    const select = item.querySelector(".rn-topic-select");
    select.id = "topic-" + question.id;
    item.querySelector("label").htmlFor = select.id;
    return item;
  }

  function render(question) {
    let item = itemFor(question.id);
    if (!item) {
      item = newItem(question);
      list.appendChild(item);
    }
    item.dataset.supports = String(question.supports);
    item.dataset.hidden = question.hidden ? "1" : "0";
    item.classList.toggle("rn-hidden", question.hidden);
    item.querySelector(".rn-supports").textContent = String(question.supports);
    item.querySelector(".rn-question-text").textContent = question.text;
    item.querySelector(".rn-author").textContent = question.author;
    item.querySelector(".rn-topic").textContent = question.topic_name || labels.labelNoTopic;
    item.querySelector(".rn-answered").classList.toggle("d-none", question.status !== "answered");
    item.querySelector(".rn-hidden-badge").classList.toggle("d-none", !question.hidden);
    const answer = item.querySelector(".rn-answer");
    answer.value = question.status === "answered" ? "reopen" : "answer";
    answer.textContent = question.status === "answered" ? labels.labelReopen : labels.labelAnswered;
    const hide = item.querySelector(".rn-hide");
    hide.value = question.hidden ? "show" : "hide";
    hide.textContent = question.hidden ? labels.labelShow : labels.labelHide;
    selectTopics(item.querySelector(".rn-topic-select"), question.topic);
  }

  function sort() {
    const items = Array.from(list.querySelectorAll(".rn-question"));
    items.sort(function (a, b) {
      const hidden = Number(a.dataset.hidden) - Number(b.dataset.hidden);
      if (hidden !== 0) {
        return hidden;
      }
      const support = Number(b.dataset.supports) - Number(a.dataset.supports);
      if (support !== 0) {
        return support;
      }
      return Number(a.dataset.questionId) - Number(b.dataset.questionId);
    });
    items.forEach(function (item) {
      list.appendChild(item);
    });
    empty.classList.toggle("d-none", items.length > 0);
  }

  function onMessage(event) {
    const data = JSON.parse(event.data);
    if (data.type === "snapshot") {
      topics = data.topics;
      list.replaceChildren();
      data.questions.forEach(render);
    } else if (data.type === "question") {
      render(data.question);
    } else if (data.type === "topic") {
      if (!topics.some(function (t) { return t.id === data.topic.id; })) {
        topics.push(data.topic);
        topics.sort(function (a, b) { return a.name.localeCompare(b.name); });
        list.querySelectorAll(".rn-topic-select").forEach(function (select) {
          selectTopics(select, select.value);
        });
      }
      return;
    } else if (data.type === "error") {
      status.textContent = data.message;
      return;
    }
    sort();
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + labels.wsPath);
    socket.addEventListener("open", function () {
      retry = 1000;
      status.textContent = labels.labelLive;
      root.dataset.live = "1";
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      root.dataset.live = "0";
      socket = null;
      if (event.code === 4403) {
        return;
      }
      status.textContent = labels.labelOffline;
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  function send(command) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(command));
      return true;
    }
    return false;
  }

  list.addEventListener("submit", function (event) {
    const form = event.target;
    const button = event.submitter;
    if (!button) {
      return;
    }
    const item = form.closest(".rn-question");
    const command = {
      command: button.value,
      question: Number(item.dataset.questionId),
      topic: form.querySelector(".rn-topic-select").value || null,
    };
    if (send(command)) {
      event.preventDefault();
    }
  });

  if (topicForm) {
    topicForm.addEventListener("submit", function (event) {
      const input = topicForm.querySelector("input[name=name]");
      if (send({ command: "new_topic", name: input.value })) {
        event.preventDefault();
        input.value = "";
      }
    });
  }

  connect();
})();

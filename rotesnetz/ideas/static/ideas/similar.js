/* Programmideen: while a member types the title of a new idea, show possible duplicates.
 * The form works without this; the script only asks /ideen/<process>/aehnliche.json. */
(function () {
  "use strict";

  const form = document.getElementById("idea-form");
  if (!form || !("fetch" in window)) return;
  const input = form.querySelector("input[name=title]");
  const box = document.getElementById("similar-ideas");
  const list = document.getElementById("similar-list");
  if (!input || !box || !list) return;

  let timer = null;
  let last = "";
  let controller = null;

  function show(ideas) {
    list.replaceChildren();
    ideas.forEach(function (idea) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = idea.url;
      link.textContent = idea.title;
      link.target = "_blank";
      link.rel = "noopener";
      item.append(link, " (" + idea.label + ")");
      list.append(item);
    });
    box.classList.toggle("d-none", ideas.length === 0);
  }

  function lookUp() {
    const title = input.value.trim();
    if (title === last) return;
    last = title;
    if (title.length < 3) {
      show([]);
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    const url = form.dataset.similarUrl + "?titel=" + encodeURIComponent(title);
    fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { ideas: [] }; })
      .then(function (data) { show(data.ideas || []); })
      .catch(function () { /* aborted or offline: the list simply stays as it is */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 300);
  });
  if (input.value) lookUp();
})();

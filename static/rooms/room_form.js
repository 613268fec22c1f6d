// The room form: the invitation list only where it counts, and a filter for long lists.
(function () {
  "use strict";
  const box = document.getElementById("div_id_invitees");
  if (!box) return; // the main room has no invitation list
  const choices = document.querySelectorAll("input[name=visibility]");
  const texts = JSON.parse(document.getElementById("room-form-i18n").textContent);

  function showInvitees() {
    const chosen = document.querySelector("input[name=visibility]:checked");
    // Hidden, not removed: ticked names are kept (and sent) if the choice comes back.
    box.hidden = !chosen || chosen.value !== "invite";
  }
  choices.forEach(function (choice) {
    choice.addEventListener("change", showInvitees);
  });
  showInvitees();

  const boxes = Array.from(box.querySelectorAll(".form-check"));
  if (boxes.length < 12) return;
  const label = document.createElement("label");
  label.className = "form-label small";
  label.htmlFor = "invitee-filter";
  label.textContent = texts.filter;
  const input = document.createElement("input");
  input.type = "search";
  input.id = "invitee-filter";
  input.className = "form-control form-control-sm mb-2";
  input.autocomplete = "off";
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.addEventListener("input", function () {
    const wanted = input.value.trim().toLocaleLowerCase();
    let shown = 0;
    boxes.forEach(function (item) {
      const match = !wanted || item.textContent.toLocaleLowerCase().includes(wanted);
      // Ticked names stay in view: a filter must not hide who is invited.
      item.hidden = !match && !item.querySelector("input").checked;
      if (!item.hidden) shown += 1;
    });
    status.textContent = texts.shown.replace("%(count)s", shown);
  });
  const legend = box.querySelector("legend");
  legend.after(label, input, status);
})();

// The role picker: search-as-you-type over every role (the server's /roles.json), with source badges, for two or
// more roles. Without this script the form still works: each box takes a name, a code or an IRI.
"use strict";
(function () {
  const form = document.getElementById("compare-form");
  if (!form) return;
  const rows = form.querySelector(".rows");
  const add = form.querySelector("button.add");

  function badge(source) {
    const span = document.createElement("span");
    span.className = "badge " + source;
    span.textContent = source;
    return span;
  }

  function attach(input) {
    const list = document.createElement("ul");
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    list.id = "suggest-" + Math.random().toString(36).slice(2);
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.parentElement.parentElement.appendChild(list);
    let timer = null, asked = 0, active = -1, found = [];

    function choose(role) {
      input.value = role.label;
      input.dataset.iri = role.iri;
      list.hidden = true;
    }
    function mark(index) {
      active = index;
      Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    }
    function show(roles) {
      found = roles;
      list.replaceChildren();
      roles.forEach((role) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.appendChild(badge(role.source));
        li.appendChild(document.createTextNode(" " + role.label));
        const more = [role.code, role.matched ? "also: " + role.matched : null].filter(Boolean).join(", ");
        if (more) {
          const note = document.createElement("span");
          note.className = "muted";
          note.textContent = " " + more;
          li.appendChild(note);
        }
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(role); });
        list.appendChild(li);
      });
      list.hidden = roles.length === 0 || document.activeElement !== input;
      mark(-1);
    }
    input.addEventListener("input", () => {
      delete input.dataset.iri;
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) { show([]); return; }
      timer = setTimeout(() => {
        const mine = ++asked;
        fetch("/roles.json?q=" + encodeURIComponent(text))
          .then((answer) => answer.json())
          .then((answer) => { if (mine === asked) show(answer.roles); })
          .catch(() => show([]));
      }, 120);
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden || event.key === "Escape") return;
      if (event.key === "ArrowDown") { event.preventDefault(); mark(Math.min(active + 1, found.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(found[active]); }
    });
    function close() { clearTimeout(timer); asked++; list.hidden = true; }  // an answer still on its way is dropped
    input.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
    input.addEventListener("blur", close);
  }

  form.querySelectorAll("input[name=role]").forEach(attach);
  if (add) {
    add.hidden = false;
    add.addEventListener("click", () => {
      const row = document.createElement("div");
      row.className = "row";
      const label = document.createElement("label");
      label.textContent = "and ";
      const input = document.createElement("input");
      input.type = "text";
      input.name = "role";
      input.autocomplete = "off";
      label.appendChild(input);
      row.appendChild(label);
      rows.appendChild(row);
      attach(input);
      input.focus();
    });
  }
  form.addEventListener("submit", () => {
    // a role chosen from the list is sent by its IRI (names can be shared); typed text as typed
    form.querySelectorAll("input[name=role]").forEach((input) => {
      if (input.dataset.iri) input.value = input.dataset.iri;
      if (!input.value.trim()) input.disabled = true;
    });
  });
})();

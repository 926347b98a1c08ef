// Keyboard review and body autocomplete. No inline scripts (the pages' CSP forbids them); text goes into the
// page only through textContent and value, never innerHTML.
(function () {
  "use strict";

  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

  // --- autocomplete of body names from the gazetteer -----------------------------------------------------------
  const list = document.getElementById("bodies-list");
  let timer = null;
  let lastQuery = "";
  function suggest(input) {
    const q = input.value.trim();
    if (!list || q.length < 2 || q === lastQuery) return;
    lastQuery = q;
    fetch("/api/bodies?limit=12&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : []))
      .then((bodies) => {
        list.replaceChildren(...bodies.map((b) => {
          const o = document.createElement("option");
          o.value = b.name;
          if (b.valid_to) o.label = b.name + " (đến " + b.valid_to + ")";
          return o;
        }));
      })
      .catch(() => {});
  }
  document.addEventListener("input", (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || input.dataset.autocomplete !== "bodies") return;
    clearTimeout(timer);
    timer = setTimeout(() => suggest(input), 150);
    // a filled last box gets a new empty one after it, so any number of bodies can be given
    const box = input.closest('[data-role="bodies"]');
    if (box && input.value && input === box.querySelector("input:last-of-type")) {
      const more = input.cloneNode(false);
      more.value = "";
      box.appendChild(more);
    }
  });

  // --- the review queue -------------------------------------------------------------------------------------------
  const cards = Array.from(document.querySelectorAll(".card[data-task]"));
  if (!cards.length) return;
  let current = 0;
  const fromHash = cards.findIndex((c) => "#" + c.id === location.hash);
  if (fromHash >= 0) current = fromHash;

  function focusCard(i) {
    current = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach((c, j) => c.classList.toggle("current", j === current));
    cards[current].focus({ preventScroll: true });
    cards[current].scrollIntoView({ block: "nearest" });
    document.body.dataset.current = cards[current].dataset.task;
  }

  function nextPending(from) {
    for (let j = from + 1; j < cards.length; j++) if (cards[j].dataset.status === "pending") return j;
    return Math.min(from + 1, cards.length - 1);
  }

  function act(action) {
    const card = cards[current];
    const form = card.querySelector('form[data-action="' + action + '"]');
    if (!form || card.dataset.busy) return;
    card.dataset.busy = "1";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-CSRF-Token": csrf },
      credentials: "same-origin",
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
      .then((data) => {
        card.dataset.status = data.review_status;
        const badge = card.querySelector('[data-role="status"]');
        if (badge) {
          badge.textContent = data.status_label;
          badge.className = "status status-" + data.review_status;
        }
        focusCard(nextPending(cards.indexOf(card)));
      })
      .catch((err) => {
        card.dataset.error = String(err.message || err);
      })
      .finally(() => {
        delete card.dataset.busy;
      });
  }

  function openEdit() {
    const form = cards[current].querySelector('[data-role="edit-form"]');
    if (!form) return;
    form.hidden = false;
    const first = form.querySelector("textarea, input:not([type=hidden])");
    if (first) first.focus();
  }

  function closeEdit(form) {
    form.hidden = true;
    cards[current].focus({ preventScroll: true });
  }

  cards.forEach((card, i) => {
    card.addEventListener("click", () => {
      if (current !== i) focusCard(i);
    });
    const edit = card.querySelector('[data-role="edit"]');
    if (edit) {
      edit.addEventListener("click", (e) => {
        e.preventDefault();
        focusCard(i);
        openEdit();
      });
    }
    const cancel = card.querySelector('[data-role="cancel-edit"]');
    if (cancel) cancel.addEventListener("click", () => closeEdit(cancel.closest("form")));
  });

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const field = e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
    if (field) {
      if (e.key === "Escape") {
        const form = field.closest('[data-role="edit-form"]');
        if (form) closeEdit(form);
      }
      return;
    }
    switch (e.key) {
      case "j": focusCard(current + 1); break;
      case "k": focusCard(current - 1); break;
      case "a": act("accept"); break;
      case "r": act("reject"); break;
      case "e": openEdit(); break;
      default: return;
    }
    e.preventDefault();
  });

  focusCard(current);
})();

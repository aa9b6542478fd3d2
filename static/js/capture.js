// Quick capture: every entry is kept on the phone until the server has it, so a lost
// connection, a reload or an expired session never loses what was typed. Each entry carries a
// key, and the server records a key once, so a resend or a double tap never makes two.
(() => {
  const form = document.getElementById("capture-form");
  if (!form) return;
  const OUTBOX = "knotwork.capture.outbox";
  const DRAFT = "knotwork.capture.draft";
  const EVENT = "knotwork.capture.event";
  const EVENING = 12 * 60 * 60 * 1000;
  const status = document.getElementById("capture-status");
  const picked = document.getElementById("picked");
  let sending = false;
  let lastSaved = 0;

  const read = (name, fallback) => JSON.parse(localStorage.getItem(name) || fallback);
  const write = (name, value) => localStorage.setItem(name, JSON.stringify(value));
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  const entryFromForm = () => {
    const data = Object.fromEntries(new FormData(form));
    delete data.csrfmiddlewaretoken;
    return data;
  };
  const fill = (data) => {
    for (const [name, value] of Object.entries(data)) {
      const field = form.elements[name];
      if (!field) continue;
      if (field instanceof RadioNodeList) {
        for (const radio of field) radio.checked = radio.value === value;
      } else {
        field.value = value;
      }
    }
    showPicked();
  };
  const showPicked = () => {
    const id = form.elements.person.value;
    picked.hidden = !id;
    if (id) picked.querySelector("strong").textContent = form.elements.name.value;
  };
  const say = (text, kind = "") => {
    status.textContent = text;
    status.className = `capture-status ${kind}`;
  };

  const reset = () => {
    const event = form.elements.event.value;
    form.reset();
    form.elements.key.value = newKey();
    form.elements.person.value = "";
    form.elements.event.value = event;
    document.getElementById("matches").replaceChildren();
    localStorage.removeItem(DRAFT);
    showPicked();
    form.elements.name.focus();
  };

  const showErrors = (entry, errors) => {
    fill(entry);
    const first = Object.values(errors)[0];
    say(first && first[0] ? first[0].message : form.dataset.errorText || "Please check the form.", "error");
  };

  async function flush() {
    if (sending) return;
    sending = true;
    try {
      let outbox = read(OUTBOX, "[]");
      while (outbox.length) {
        const entry = outbox[0];
        const body = new URLSearchParams(entry);
        let response;
        try {
          response = await fetch(form.action, {
            method: "POST", body, credentials: "same-origin", redirect: "manual",
            headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
          });
        } catch {
          say(form.dataset.waitingText.replace("{n}", outbox.length), "waiting");
          return;
        }
        if (response.type === "opaqueredirect" || response.status === 403) {
          status.innerHTML = "";
          const link = document.createElement("a");
          link.href = form.dataset.loginUrl;
          link.textContent = form.dataset.loginText;
          say(form.dataset.expiredText.replace("{n}", outbox.length), "waiting");
          status.append(" ", link);
          return;
        }
        outbox = read(OUTBOX, "[]").filter((e) => e.key !== entry.key);
        write(OUTBOX, outbox);
        if (response.status === 400) {
          showErrors(entry, (await response.json()).errors);
          return;
        }
        if (!response.ok) {
          say(form.dataset.waitingText.replace("{n}", outbox.length + 1), "waiting");
          outbox.unshift(entry);
          write(OUTBOX, outbox);
          return;
        }
        const result = await response.json();
        say(result.message, "saved");
      }
    } finally {
      sending = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const entry = entryFromForm();
    const empty = !entry.person && !entry.name.trim();
    if (empty && Date.now() - lastSaved < 2000) return; // the second tap of a double tap
    if (empty) {
      say(form.dataset.nameText, "error");
      form.elements.name.focus();
      return;
    }
    const outbox = read(OUTBOX, "[]");
    if (!outbox.some((e) => e.key === entry.key)) outbox.push(entry);
    write(OUTBOX, outbox);
    write(EVENT, { name: entry.event, at: Date.now() });
    lastSaved = Date.now();
    reset();
    say(form.dataset.sendingText, "waiting");
    flush();
  });

  form.addEventListener("input", (event) => {
    if (event.target.name === "name" && form.elements.person.value) {
      form.elements.person.value = "";
      showPicked();
    }
    write(DRAFT, entryFromForm());
  });

  form.addEventListener("click", (event) => {
    const match = event.target.closest("button.match");
    if (match) {
      form.elements.person.value = match.dataset.person;
      form.elements.name.value = match.dataset.name;
      document.getElementById("matches").replaceChildren();
      showPicked();
      write(DRAFT, entryFromForm());
      form.elements.event.focus();
    }
    if (event.target.id === "unpick") {
      form.elements.person.value = "";
      showPicked();
      form.elements.name.focus();
    }
  });

  // Pick up where the phone left off: the draft being typed, and tonight's event.
  const draft = read(DRAFT, "null");
  if (draft && !read(OUTBOX, "[]").some((e) => e.key === draft.key)) fill(draft);
  const remembered = read(EVENT, "null");
  if (!form.elements.event.value && remembered && Date.now() - remembered.at < EVENING) {
    form.elements.event.value = remembered.name;
  }
  window.addEventListener("online", flush);
  flush();
})();

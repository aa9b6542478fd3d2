// Quick capture: every entry is kept on the phone until the server has it, so a lost
// connection, a reload or an expired session never loses what was typed. Each entry carries a
// key, and the server records a key once, so a resend or a double tap never makes two.
//
// What the phone keeps is kept per account, under the account's tag, and every entry carries
// that tag: the server refuses an entry whose tag is not the signed-in account's (409), so an
// entry only ever reaches the account it was typed in. Another account's entries wait, unseen,
// until that account logs in here again.
(() => {
  const PREFIX = "knotwork.capture";
  const REMEMBERED = `${PREFIX}.account`; // the account that last opened capture online here
  const KINDS = ["outbox", "draft", "event"];
  const OFFLINE_CACHES = "knotwork-capture-"; // what the service worker keeps
  const storageKey = (account, kind) => `${PREFIX}.${account}.${kind}`;
  const read = (name, fallback) => JSON.parse(localStorage.getItem(name) || fallback);
  const write = (name, value) => localStorage.setItem(name, JSON.stringify(value));

  // Before entries were kept per account they sat under one key for everyone. Whoever is
  // signed in first after the update is by far the likeliest to have typed them.
  const adoptUnkeyed = (account) => {
    for (const kind of KINDS) {
      const unkeyed = `${PREFIX}.${kind}`;
      const value = localStorage.getItem(unkeyed);
      if (value === null) continue;
      if (kind === "outbox") {
        const adopted = JSON.parse(value).map((entry) => ({ ...entry, account }));
        write(storageKey(account, kind), read(storageKey(account, kind), "[]").concat(adopted));
      } else if (localStorage.getItem(storageKey(account, kind)) === null) {
        localStorage.setItem(storageKey(account, kind), value);
      }
      localStorage.removeItem(unkeyed);
    }
  };

  // Logging out takes this account's entries, draft and the offline page off the phone. With
  // entries still waiting it says how many first, and deletes them only once confirmed.
  const forget = async (account) => {
    for (const kind of KINDS) localStorage.removeItem(storageKey(account, kind));
    if (localStorage.getItem(REMEMBERED) === account) localStorage.removeItem(REMEMBERED);
    if (!window.caches) return;
    for (const name of await caches.keys()) {
      if (name.startsWith(OFFLINE_CACHES)) await caches.delete(name);
    }
  };
  for (const logout of document.querySelectorAll("form[data-capture-account]")) {
    const account = logout.dataset.captureAccount;
    const waiting = logout.querySelector(".logout-waiting");
    logout.addEventListener("submit", async (event) => {
      event.preventDefault();
      adoptUnkeyed(account);
      const count = read(storageKey(account, "outbox"), "[]").length;
      if (count && event.submitter?.value !== "discard") {
        waiting.querySelector("p").textContent = waiting.dataset.text.replace("{n}", count);
        waiting.hidden = false;
        logout.querySelector(".logout-start").hidden = true;
        waiting.querySelector("p").focus();
        return;
      }
      await forget(account);
      logout.submit();
    });
  }

  const form = document.getElementById("capture-form");
  if (!form) return;
  const EVENING = 12 * 60 * 60 * 1000;
  const status = document.getElementById("capture-status");
  const picked = document.getElementById("picked");
  const save = form.querySelector('button[type="submit"]');
  let sending = false;
  let lastSaved = 0;

  const say = (text, kind = "") => {
    status.textContent = text;
    status.className = `capture-status ${kind}`;
  };

  // The page names its account; the offline copy names none, and belongs to the account that
  // last opened capture here with a connection.
  let account = form.dataset.account;
  if (account) {
    adoptUnkeyed(account);
    localStorage.setItem(REMEMBERED, account);
    navigator.serviceWorker?.register(form.dataset.serviceWorker).catch(() => undefined);
  } else {
    account = localStorage.getItem(REMEMBERED) || "";
  }
  if (!account) {
    say(form.dataset.noAccountText, "error");
    save.disabled = true;
    return;
  }
  form.elements.account.value = account;
  const OUTBOX = storageKey(account, "outbox");
  const DRAFT = storageKey(account, "draft");
  const EVENT = storageKey(account, "event");

  const newKey = () => (crypto.randomUUID ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  if (!form.elements.key.value) form.elements.key.value = newKey();

  // The cookie holds the current token even after a login in another tab; the offline copy
  // of the page holds none.
  const csrfToken = () => {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith(`${form.dataset.csrfCookie}=`));
    return cookie ? cookie.split("=")[1] : form.elements.csrfmiddlewaretoken?.value || "";
  };

  const entryFromForm = () => {
    const data = Object.fromEntries(new FormData(form));
    delete data.csrfmiddlewaretoken;
    return data;
  };
  const fill = (data) => {
    for (const [name, value] of Object.entries(data)) {
      const field = form.elements[name];
      if (!field || name === "account") continue;
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

  const reset = () => {
    const event = form.elements.event.value;
    form.reset();
    form.elements.account.value = account;
    form.elements.key.value = newKey();
    form.elements.person.value = "";
    form.elements.event.value = event;
    document.getElementById("matches").replaceChildren();
    localStorage.removeItem(DRAFT);
    showPicked();
    form.elements.name.focus();
  };

  // The server's errors stand beside their fields, as on the page without a script, and the
  // cursor goes to the first; what belongs to no visible field is said at the top.
  const FIELD = ".field, fieldset.choice";
  // A field may already be described by its help text: an error's note is added beside it.
  const describedBy = (control, change) => {
    const ids = change((control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
  };
  const showErrors = (entry, errors) => {
    fill(entry);
    const elsewhere = [];
    for (const [name, list] of Object.entries(errors)) {
      const messages = list.map((error) => error.message);
      const found = form.elements[name];
      const control = found instanceof RadioNodeList ? found[0] : found;
      const box = control && control.type !== "hidden" ? control.closest(FIELD) : null;
      if (!box) {
        elsewhere.push(...messages);
        continue;
      }
      box.querySelector(":scope > .errors")?.remove();
      const note = document.createElement("div");
      note.className = "errors";
      note.id = `${control.id}_error`; // the id Django gives a field's errors
      note.setAttribute("role", "alert");
      for (const message of messages) {
        note.append(Object.assign(document.createElement("p"), { textContent: message }));
      }
      box.append(note);
      box.classList.add("invalid");
      control.setAttribute("aria-invalid", "true");
      describedBy(control, (ids) => [...ids.filter((id) => id !== note.id), note.id]);
    }
    say(elsewhere.length ? elsewhere.join(" ") : form.dataset.errorText, "error");
    const first = form.querySelector('[aria-invalid="true"]'); // the first on the page
    if (!first) return;
    const more = first.closest("details");
    if (more) more.open = true;
    first.focus({ preventScroll: true });
    first.scrollIntoView({ block: "center" });
  };
  const showNameMissing = () => {
    say(form.dataset.nameText, "error");
    form.elements.name.setAttribute("aria-invalid", "true");
    form.elements.name.focus();
  };
  // An error is about what was typed: once typing goes on, it no longer holds.
  const clearError = (field) => {
    if (status.classList.contains("error")) say("");
    field.removeAttribute("aria-invalid");
    const box = field.closest(FIELD);
    const note = box?.querySelector(":scope > .errors");
    box?.classList.remove("invalid");
    if (!note) return;
    describedBy(field, (ids) => ids.filter((id) => id !== note.id));
    note.remove();
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
            headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
          });
        } catch {
          say(form.dataset.waitingText.replace("{n}", outbox.length), "waiting");
          return;
        }
        if (response.type === "opaqueredirect" || response.status === 403) {
          // One notice for a logged-out session, whoever noticed first (knotwork.js shows it).
          say("");
          document.dispatchEvent(new CustomEvent("knotwork:logged-out", {
            detail: {
              text: form.dataset.expiredText.replace("{n}", outbox.length),
              linkText: form.dataset.loginText,
              href: form.dataset.loginUrl,
            },
          }));
          return;
        }
        if (response.status === 409) {
          say(form.dataset.otherAccountText.replace("{n}", outbox.length), "waiting");
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
      showNameMissing();
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
    clearError(event.target);
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

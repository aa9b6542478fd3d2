// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A new account starts in the browser's time zone.
  for (const input of document.querySelectorAll('input[type="hidden"][name="time_zone"]')) {
    if (!input.value) input.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }
});

// No one is signed in on this page (the login page, say), and whoever signs in next may be
// someone else: quick capture's offline page must not go on working for the account before.
// Its entries stay, under that account, until it signs in again (capture.js).
if (!document.body.dataset.loginUrl) localStorage.removeItem("knotwork.capture.account");

// Put the cursor where the person needs it, on a page that arrives with a form and in whatever
// htmx swaps in: the first error, what is wrong with the form as a whole or a field of it,
// brought into view (it may sit far above or below where the person was), or else the field
// marked autofocus. htmx fires htmx:load once for
// the page and then for each piece it swaps in.
const within = (content, selector) =>
  content.matches(selector) ? content : content.querySelector(selector);
document.addEventListener("htmx:load", (event) => {
  const content = event.detail.elt;
  const invalid = within(content, '[data-form-errors], [aria-invalid="true"]');
  if (invalid) {
    invalid.focus({ preventScroll: true });
    invalid.scrollIntoView({ block: "center" });
  } else if (content !== document.body) {
    within(content, "[autofocus]")?.focus();
  }
});

// The session ended while the page was open (the server answers htmx with 401): say so once,
// with a way back to this page, rather than leaving a click that silently does nothing. A
// page's own script may know more (capture: how many entries wait) and says it in the same
// notice, by sending "knotwork:logged-out"; there is only ever one.
const showLoggedOut = (text, linkText, href) => {
  let notice = document.getElementById("logged-out");
  if (!notice) {
    notice = document.createElement("div");
    notice.id = "logged-out";
    notice.className = "messages";
    notice.setAttribute("role", "alert");
    document.getElementById("main").prepend(notice);
  }
  const message = document.createElement("p");
  message.className = "message error";
  const link = document.createElement("a");
  link.href = href;
  link.textContent = linkText;
  message.append(text, " ", link);
  notice.replaceChildren(message);
};
document.addEventListener("htmx:responseError", (event) => {
  const { loggedOutText, loginText, loginUrl } = document.body.dataset;
  if (event.detail.xhr.status !== 401 || !loginUrl || document.getElementById("logged-out")) return;
  showLoggedOut(loggedOutText, loginText, loginUrl);
});
document.addEventListener("knotwork:logged-out", (event) => {
  const { text, linkText, href } = event.detail;
  showLoggedOut(text, linkText, href);
});

// The digest preview's frame grows to the whole email, so it reads like the mail itself, and its
// links open in the window: inside the frame the app's pages refuse to be shown.
function fitEmailPreview(frame) {
  const doc = frame.contentDocument;
  if (!doc || !doc.body) return;
  const borders = frame.offsetHeight - frame.clientHeight;
  frame.style.height = `${doc.documentElement.scrollHeight + borders}px`;
  for (const link of doc.querySelectorAll("a[href]")) link.target = "_top";
}
document.addEventListener("DOMContentLoaded", () => {
  for (const frame of document.querySelectorAll("iframe.email-preview")) {
    frame.addEventListener("load", () => fitEmailPreview(frame));
    if (frame.contentDocument?.readyState === "complete") fitEmailPreview(frame);
  }
});

// A copy button beside a value to copy, such as the calendar feed's address or a new token
// (templates/_copy.html). It is shown only where this script runs: without it the value is
// still selectable text. It copies through the Clipboard API, or where the browser keeps that
// from a page (a server reached over plain http) by selecting the text and copying that, and
// says which happened.
document.addEventListener("htmx:load", (event) => {
  const content = event.detail.elt;
  for (const button of [content, ...content.querySelectorAll("button[data-copy]")]) {
    if (button.matches("button[data-copy]")) button.hidden = false;
  }
});
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch {
    field.select();
    copied = document.execCommand("copy");
  }
  const status = button.parentElement.querySelector(".copy-status");
  status.textContent = copied ? button.dataset.copied : button.dataset.notCopied;
  clearTimeout(status.clearing);
  status.clearing = setTimeout(() => { status.textContent = ""; }, 4000);
});

// A label that reads as a sentence about two people (the link form's "Mei is Tom's …") fills in
// the first name being typed in another field, or says "they" while that is empty. The server
// writes the words around the name (data-before, data-after), so every language reads right,
// and capitalises a typed name the same way (connections/forms.py).
const firstName = (name) => {
  const words = name.trim().split(/\s+/);
  const first = words.find((word) => !word.endsWith(".")) ?? words[0];
  return first.charAt(0).toUpperCase() + first.slice(1);
};
document.addEventListener("htmx:load", (event) => {
  const content = event.detail.elt;
  for (const input of content.querySelectorAll("input[data-sentence-from]")) {
    const source = document.getElementById(input.dataset.sentenceFrom);
    const words = input.labels[0]?.firstChild;
    if (!source || !words) continue;
    const space = words.textContent.match(/\s*$/)[0]; // before "optional"
    const fill = () => {
      const name = firstName(source.value);
      const { before, after, they } = input.dataset;
      words.textContent = (name ? `${before}${name}${after}` : they) + space;
    };
    source.addEventListener("input", fill);
    fill();
  }
});

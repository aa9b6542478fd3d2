// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A new account starts in the browser's time zone.
  for (const input of document.querySelectorAll('input[type="hidden"][name="time_zone"]')) {
    if (!input.value) input.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }
});

// After htmx swaps in a form, put the cursor where the person needs it:
// the first field with an error, or else the field marked autofocus.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const field = target.querySelector('[aria-invalid="true"]') || target.querySelector("[autofocus]");
  if (field) field.focus();
});

// The session ended while the page was open (the server answers htmx with 401): say so once,
// with a way back to this page, rather than leaving a click that silently does nothing.
document.addEventListener("htmx:responseError", (event) => {
  const { loggedOutText, loginText, loginUrl } = document.body.dataset;
  if (event.detail.xhr.status !== 401 || !loginUrl || document.getElementById("logged-out")) return;
  const notice = document.createElement("div");
  notice.id = "logged-out";
  notice.className = "messages";
  notice.setAttribute("role", "alert");
  const message = document.createElement("p");
  message.className = "message error";
  const link = document.createElement("a");
  link.href = loginUrl;
  link.textContent = loginText;
  message.append(loggedOutText, " ", link);
  notice.append(message);
  document.getElementById("main").prepend(notice);
});

// The digest preview's frame grows to the whole email, so it reads like the mail itself, and its
// links open in the window: inside the frame the app's pages refuse to be shown.
function fitEmailPreview(frame) {
  const doc = frame.contentDocument;
  if (!doc || !doc.body) return;
  frame.style.height = `${doc.documentElement.scrollHeight}px`;
  for (const link of doc.querySelectorAll("a[href]")) link.target = "_top";
}
document.addEventListener("DOMContentLoaded", () => {
  for (const frame of document.querySelectorAll("iframe.email-preview")) {
    frame.addEventListener("load", () => fitEmailPreview(frame));
    if (frame.contentDocument?.readyState === "complete") fitEmailPreview(frame);
  }
});

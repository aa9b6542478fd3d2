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

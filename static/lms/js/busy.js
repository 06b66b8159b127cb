// Show a progress indicator and block double submits on long-running forms.
document.querySelectorAll("form[data-busy-form]").forEach(function (form) {
  form.addEventListener("submit", function () {
    var bar = form.querySelector("[data-busy]");
    if (bar) bar.hidden = false;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
});

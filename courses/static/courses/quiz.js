// Quiz page: autosave each answer as it is given, count down the time limit, confirm hand-in.
// Without JavaScript the same form works with normal posts.
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) return;
  var status = form.querySelector("[data-autosave-status]");
  var seqInputs = document.querySelectorAll("[data-seq]");
  var pending = null;
  var inflight = false;
  var current = Promise.resolve();

  function setSeq(seq) {
    seqInputs.forEach(function (input) { input.value = seq; });
  }

  // Not form.action: the buttons named "action" shadow that property.
  // Every change bumps `changes`; "saved" is shown only once the latest change has been saved.
  var changes = 0;
  function changed() {
    changes += 1;
    if (status) status.textContent = "…";
  }

  function save() {
    if (inflight) { pending = setTimeout(save, 300); return; }
    inflight = true;
    var sent = changes;
    var data = new FormData(form);
    data.set("action", "save");
    if (status) status.textContent = "…";
    current = fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        setSeq(result.seq);
        if (result.accepted) {
          if (status && sent === changes) status.textContent = form.dataset.savedText || "✓";
        } else if (result.reason === "stale" || result.reason === "closed") {
          window.location.reload();
        } else if (status) {
          status.textContent = result.message;
        }
      })
      .catch(function () { if (status) status.textContent = "!"; })
      .then(function () { inflight = false; });
  }

  if (form.dataset.autosave) {
    form.addEventListener("change", function (e) {
      if (e.target.name === "option") { changed(); clearTimeout(pending); save(); }
    });
    form.addEventListener("input", function (e) {
      if (e.target.name === "text") { changed(); clearTimeout(pending); pending = setTimeout(save, 800); }
    });
  }

  form.addEventListener("submit", function (e) {
    var button = e.submitter;
    if (inflight) {
      // Wait for the autosave, so the form carries the new sequence number.
      e.preventDefault();
      current.then(function () { form.requestSubmit(button); });
      return;
    }
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) { e.preventDefault(); return; }
    clearTimeout(pending);
  });

  var timer = document.querySelector("[data-seconds-left]");
  if (timer) {
    var left = parseInt(timer.dataset.secondsLeft, 10);
    var out = timer.querySelector("[data-timer]");
    var tick = function () {
      if (left <= 0) { window.location.reload(); return; }
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }
})();

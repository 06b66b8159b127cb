// A form marked data-draft-key is kept in the browser (localStorage) while it is filled in, so a page lost on a weak
// connection comes back filled; the draft is dropped once the server shows a page marked data-draft-sent with the
// same key. Submit buttons are disabled on submit (the server also takes the form once: its idempotency key).
(function () {
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) return;
  document.querySelectorAll("[data-draft-sent]").forEach(function (el) {
    store.removeItem("draft:" + el.getAttribute("data-draft-sent"));
  });
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var name = "draft:" + form.getAttribute("data-draft-key");
    var saved = null;
    try { saved = JSON.parse(store.getItem(name) || "null"); } catch (e) { saved = null; }
    if (saved) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.name === "csrfmiddlewaretoken" || !(field.name in saved)) return;
        var value = saved[field.name];
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = Array.isArray(value) ? value.indexOf(field.value) >= 0 : field.value === value;
        } else if (field.type !== "file") {
          field.value = value;
        }
      });
    }
    function save() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.name === "csrfmiddlewaretoken" || field.type === "file") return;
        if (field.type === "checkbox") {
          data[field.name] = data[field.name] || [];
          if (field.checked) data[field.name].push(field.value);
        } else if (field.type === "radio") {
          if (field.checked) data[field.name] = field.value;
        } else {
          data[field.name] = field.value;
        }
      });
      store.setItem(name, JSON.stringify(data));
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () {
      save();
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
    save();  // the idempotency key is kept from the first render on
  });
})();

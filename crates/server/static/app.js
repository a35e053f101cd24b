// Flow HQ's live parts, without a framework. An element with
// data-live-url is polled every two seconds for {key, qr_svg}: when the QR
// code rotates, the image is swapped in place; when the key (tenant status,
// session and worker state) changes, the page's <main> is fetched again and
// replaced, so a tenant turning ACTIVE shows without a reload.
(function () {
  "use strict";
  var PERIOD_MS = 2000;

  function live() {
    return document.querySelector("[data-live-url]");
  }

  function refreshMain() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        var current = document.querySelector("main");
        if (fresh && current) {
          current.replaceWith(fresh);
          var status = document.getElementById("live-announce");
          if (status) { status.textContent = status.getAttribute("data-updated-text") || "Page updated."; }
        }
      });
  }

  function tick() {
    var el = live();
    if (!el) { return; }
    fetch(el.getAttribute("data-live-url"), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.key !== el.getAttribute("data-live-key")) {
          return refreshMain();
        }
        var qr = document.querySelector("[data-live-qr]");
        if (qr && data.qr !== qr.getAttribute("data-live-qr")) {
          qr.setAttribute("data-live-qr", data.qr || "");
          // The SVG is made by the server from the code's text.
          qr.innerHTML = data.qr_svg || "";
        }
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { window.setTimeout(tick, PERIOD_MS); });
  }

  // Confirm buttons that stop things.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  if (live()) { window.setTimeout(tick, PERIOD_MS); }
})();

// Preselect the browser's own time zone in an empty time-zone picker.
(function () {
  var select = document.querySelector("select[data-guess-timezone]");
  if (!select || select.value || select.disabled || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; break; }
  }
})();

// The menu builder (/app/menu): the owner's menu as a list of editors,
// saved whole with PATCH /api/portal/tenant/current/config {menu}. A refusal
// (422) names the field ("menu[1].keywords"): it is marked beside that
// field, and the message, which lists every problem, shows at the top.
(function () {
  var root = document.querySelector("[data-menu-builder]");
  if (!root) { return; }
  var MAX_ITEMS = 20, MAX_SUB_ITEMS = 10, MAX_FILE = 16 * 1024 * 1024;
  var url = root.getAttribute("data-config-url");
  var list = root.querySelector("[data-menu-items]");
  var errorBox = root.querySelector("[data-menu-error]");
  var savedBox = root.querySelector("[data-menu-saved]");
  var addButton = root.querySelector("[data-menu-add]");
  var menu = [];
  // The editor's words come from the page, in its language; English when
  // one is missing.
  var TEXTS = {
    item: "Item {n}", subItem: "Sub-item {n}", moveUp: "Move up", moveDown: "Move down",
    remove: "Remove", removeItem: "Remove this item", label: "Label in the menu",
    answer: "Answer", answerAbove: "Answer (shown above the sub-menu; may be empty)",
    keywords: "Keywords (separated by commas)", keywordsExample: "pix, payment, pay",
    keywordsHint: "A customer who writes one of these gets this answer.",
    file: "File sent after the answer (photo or PDF, up to 16 MB)", removeFile: "Remove the file",
    tooLarge: "{name} is larger than 16 MB.", subItemsOf: "Sub-items of item {n}",
    addSub: "Add a sub-item", notSaved: "Nothing was saved.", tryAgain: "Please try again.",
    savedNow: "Saved. Your assistant answers with this menu now.",
    savedLater: "Saved. Your assistant is offline and takes this menu when it is back.",
    connectionFailed: "Nothing was saved: the connection failed. Please try again.",
    resetConfirm: "Replace your menu with the suggested one for your type of business?",
    loadFailed: "Your menu could not be loaded. Please reload the page."
  };
  try {
    var given = JSON.parse(root.getAttribute("data-texts") || "{}");
    Object.keys(given).forEach(function (k) { if (given[k]) { TEXTS[k] = given[k]; } });
  } catch (e) { /* the English words stay */ }
  function say(name, values) {
    var text = TEXTS[name];
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(box, text) {
    box.textContent = text || "";
    box.hidden = !text;
  }

  var uid = 0;
  function field(label, input, path) {
    var id = "menu-field-" + (uid++);
    var wrap = el("div", { "class": "field", "data-path": path });
    input.id = id;
    wrap.appendChild(el("label", { "for": id }, label));
    wrap.appendChild(input);
    return wrap;
  }

  function editor(item, siblings, index, path, depth) {
    var li = el("li", { "class": "card menu-item" + (depth ? " sub" : "") });
    var head = el("div", { "class": "menu-item-head" });
    head.appendChild(el("h2", { "class": "flush" }, say(depth ? "subItem" : "item", { n: index + 1 })));
    var tools = el("div", { "class": "actions" });
    function tool(text, label, action, disabled) {
      var b = el("button", { "type": "button", "class": "btn secondary small", "aria-label": label }, text);
      b.disabled = !!disabled;
      b.addEventListener("click", function () { action(); render(); });
      tools.appendChild(b);
    }
    tool("↑", say("moveUp"), function () {
      siblings.splice(index - 1, 0, siblings.splice(index, 1)[0]);
    }, index === 0);
    tool("↓", say("moveDown"), function () {
      siblings.splice(index + 1, 0, siblings.splice(index, 1)[0]);
    }, index === siblings.length - 1);
    tool(say("remove"), say("removeItem"), function () { siblings.splice(index, 1); });
    head.appendChild(tools);
    li.appendChild(head);

    var label = el("input", { "type": "text", "maxlength": "80" });
    label.value = item.label || "";
    label.addEventListener("input", function () { item.label = label.value; });
    li.appendChild(field(say("label"), label, path + ".label"));

    var answer = el("textarea", { "rows": "3", "maxlength": "1000" });
    answer.value = item.answer || "";
    answer.addEventListener("input", function () { item.answer = answer.value; });
    li.appendChild(field(depth || !(item.items && item.items.length) ? say("answer") : say("answerAbove"), answer, path + ".answer"));

    var keywords = el("input", { "type": "text", "placeholder": say("keywordsExample") });
    keywords.value = (item.keywords || []).join(", ");
    keywords.addEventListener("input", function () {
      item.keywords = keywords.value.split(",").map(function (k) { return k.trim(); }).filter(Boolean);
    });
    var kw = field(say("keywords"), keywords, path + ".keywords");
    kw.appendChild(el("p", { "class": "hint" }, say("keywordsHint")));
    li.appendChild(kw);

    var file = el("div", { "class": "field", "data-path": path + ".attachment" });
    var fileId = "menu-field-" + (uid++);
    file.appendChild(el("label", { "for": fileId }, say("file")));
    if (item.attachment) {
      var current = el("p", { "class": "file-current" });
      current.appendChild(el("span", {}, "📎 " + item.attachment.file_name + " "));
      var drop = el("button", { "type": "button", "class": "btn link" }, say("removeFile"));
      drop.addEventListener("click", function () { delete item.attachment; render(); });
      current.appendChild(drop);
      file.appendChild(current);
    }
    var input = el("input", { "type": "file", "id": fileId, "accept": "image/jpeg,image/png,image/webp,application/pdf" });
    input.addEventListener("change", function () {
      var chosen = input.files && input.files[0];
      if (!chosen) { return; }
      if (chosen.size > MAX_FILE) {
        show(errorBox, say("tooLarge", { name: chosen.name }));
        input.value = "";
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        var data = String(reader.result);
        item.attachment = {
          file_name: chosen.name,
          mime: chosen.type || undefined,
          data_base64: data.slice(data.indexOf(",") + 1)
        };
        render();
      };
      reader.readAsDataURL(chosen);
    });
    file.appendChild(input);
    li.appendChild(file);

    if (!depth) {
      item.items = item.items || [];
      if (item.items.length) {
        var subs = el("ol", { "class": "menu-items sub", "aria-label": say("subItemsOf", { n: index + 1 }) });
        item.items.forEach(function (sub, j) {
          subs.appendChild(editor(sub, item.items, j, path + ".items[" + j + "]", 1));
        });
        li.appendChild(subs);
      }
      var addSub = el("button", { "type": "button", "class": "btn secondary small" }, say("addSub"));
      addSub.disabled = item.items.length >= MAX_SUB_ITEMS;
      addSub.addEventListener("click", function () {
        item.items.push({ label: "", answer: "", keywords: [] });
        render();
      });
      li.appendChild(addSub);
    }
    return li;
  }

  function render() {
    list.textContent = "";
    menu.forEach(function (item, i) {
      list.appendChild(editor(item, menu, i, "menu[" + i + "]", 0));
    });
    addButton.disabled = menu.length >= MAX_ITEMS;
  }

  function mark(path, message) {
    var target = root.querySelector('[data-path="' + path + '"]') ||
      root.querySelector('[data-path="' + path.replace(/\.[a-z_]+$/, ".label") + '"]');
    if (!target) { return; }
    var control = target.querySelector("input, textarea");
    if (control) { control.setAttribute("aria-invalid", "true"); control.focus(); }
    target.appendChild(el("p", { "class": "error-text" }, message));
  }

  function send(body) {
    show(errorBox, "");
    show(savedBox, "");
    return fetch(url, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (answer) {
      if (!answer.ok) {
        var e = (answer.data && answer.data.error) || {};
        show(errorBox, say("notSaved") + " " + (e.message || say("tryAgain")));
        if (e.field) { mark(e.field, e.message || ""); } else { errorBox.focus(); }
        return;
      }
      menu = answer.data.menu;
      render();
      show(savedBox, answer.data.applied
        ? say("savedNow")
        : say("savedLater"));
    }).catch(function () {
      show(errorBox, say("connectionFailed"));
    });
  }

  addButton.addEventListener("click", function () {
    menu.push({ label: "", answer: "", keywords: [] });
    render();
    var last = list.lastElementChild && list.lastElementChild.querySelector("input");
    if (last) { last.focus(); }
  });
  root.querySelector("[data-menu-save]").addEventListener("click", function () {
    send({ menu: menu });
  });
  root.querySelector("[data-menu-reset]").addEventListener("click", function () {
    if (window.confirm(say("resetConfirm"))) {
      send({ menu: null });
    }
  });

  fetch(url, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      root.querySelector("[data-menu-loading]").hidden = true;
      menu = data.menu || [];
      render();
    })
    .catch(function () { show(errorBox, say("loadFailed")); });
})();

// A form that came back refused: its summary takes the focus, so that a
// screen reader reads it and the keyboard starts from it.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();

// Linking on a phone: the "link with phone number" option opens by itself
// (the QR code is for another screen); the pairing code copies with one tap
// and counts down to its expiry.
(function () {
  var pairing = document.querySelector("details.pairing");
  if (pairing && window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
    pairing.open = true;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(button.getAttribute("data-copy").replace("-", "")).then(function () {
      button.textContent = button.getAttribute("data-copied");
    });
  });
  function countdown() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.max(0, Math.round((Date.parse(el.getAttribute("data-countdown")) - Date.now()) / 1000));
      el.textContent = el.getAttribute("data-template").replace("{s}", String(left));
    });
  }
  if (document.querySelector("[data-countdown]")) {
    countdown();
    window.setInterval(countdown, 1000);
  }
})();

// The opening-hours editor: each day gets an "open" switch (closed days
// send no times, which is what "closed" means to the server), and one
// button copies Monday's hours to the other weekdays.
(function () {
  var editor = document.querySelector("[data-hours-editor]");
  if (!editor) { return; }
  var rows = editor.querySelectorAll("[data-day]");
  rows.forEach(function (row) {
    var inputs = row.querySelectorAll("input[type=time]");
    var label = row.querySelector(".label");
    var open = document.createElement("input");
    open.type = "checkbox";
    open.setAttribute("aria-label", (editor.getAttribute("data-open-label") || "{day}: open").split("{day}").join(label.textContent));
    open.checked = Array.prototype.some.call(inputs, function (i) { return i.value; });
    open.disabled = inputs[0].disabled;
    function apply() {
      inputs.forEach(function (i) { i.disabled = !open.checked; });
      row.classList.toggle("closed-day", !open.checked);
      if (open.checked && !inputs[0].value && !inputs[1].value) {
        inputs[0].value = "09:00";
        inputs[1].value = "18:00";
      }
    }
    open.addEventListener("change", apply);
    var wrap = document.createElement("label");
    wrap.className = "day-switch";
    wrap.appendChild(open);
    wrap.appendChild(document.createTextNode(" " + label.textContent));
    label.textContent = "";
    label.appendChild(wrap);
    apply();
  });
  var copy = editor.querySelector("[data-copy-weekdays]");
  if (copy && !rows[0].querySelector("input[type=time]").disabled) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var monday = rows[0].querySelectorAll("input");
      for (var d = 1; d < 5; d++) {
        var target = rows[d].querySelectorAll("input");
        target.forEach(function (input, i) {
          if (input.type === "checkbox") {
            input.checked = monday[i].checked;
            input.dispatchEvent(new Event("change"));
          } else {
            input.value = monday[i].value;
            input.disabled = monday[i].disabled;
          }
        });
        rows[d].classList.toggle("closed-day", rows[0].classList.contains("closed-day"));
      }
    });
  }
})();

// Rejecting a setup request (/admin/setup-requests): the folded form moves
// into a modal <dialog> (the browser keeps the focus inside and Esc closes
// it), opened by a button in its place; without a script the fold stays.
// A form refused by the server comes back open, so its dialog opens again.
(function () {
  if (typeof HTMLDialogElement !== "function") { return; }
  var folds = document.querySelectorAll("details[data-dialog]");
  for (var i = 0; i < folds.length; i++) {
    (function (fold, n) {
      var summary = fold.querySelector("summary");
      var form = fold.querySelector("form");
      if (!summary || !form) { return; }
      var dialog = document.createElement("dialog");
      dialog.className = "dialog";
      var title = document.createElement("h2");
      title.id = "reject-dialog-" + n;
      title.textContent = fold.getAttribute("data-dialog-title") || summary.textContent;
      dialog.setAttribute("aria-labelledby", title.id);
      dialog.appendChild(title);
      dialog.appendChild(form);
      var submit = form.querySelector("button[type=submit]");
      var actions = document.createElement("div");
      actions.className = "actions";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "btn secondary small";
      cancel.textContent = fold.getAttribute("data-cancel") || "Cancel";
      cancel.addEventListener("click", function () { dialog.close(); });
      actions.appendChild(cancel);
      if (submit) { actions.appendChild(submit); }
      form.appendChild(actions);
      var open = document.createElement("button");
      open.type = "button";
      open.className = "btn secondary small reject-open";
      open.textContent = summary.textContent;
      open.addEventListener("click", function () { dialog.showModal(); });
      dialog.addEventListener("close", function () { open.focus(); });
      var wasOpen = fold.open;
      fold.parentNode.replaceChild(open, fold);
      open.parentNode.insertBefore(dialog, open.nextSibling);
      if (wasOpen) { dialog.showModal(); }
    })(folds[i], i);
  }
})();

// The inbox follows the business's event stream: on a new message, a
// changed conversation or (on a conversation's page) a delivery or read
// receipt, the page's live parts ([data-inbox-part]) are
// fetched again and swapped in place, leaving the forms as they are. On a
// conversation's page only its own contact's events count. The browser's
// EventSource reconnects by itself after a network break.
(function () {
  "use strict";
  var main = document.querySelector("[data-inbox-live]");
  if (!main || !window.EventSource) { return; }
  var contact = main.getAttribute("data-inbox-contact");
  var pending = null;

  function scrollChat() {
    var chat = document.querySelector("[data-inbox-part=chat]");
    if (chat) { chat.scrollTop = chat.scrollHeight; }
  }

  function refresh() {
    pending = null;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var parts = document.querySelectorAll("[data-inbox-part]");
        for (var i = 0; i < parts.length; i++) {
          var name = parts[i].getAttribute("data-inbox-part");
          var fresh = doc.querySelector("[data-inbox-part=" + name + "]");
          if (fresh) { parts[i].replaceWith(fresh); }
        }
        scrollChat();
        var status = document.getElementById("live-announce");
        if (status) { status.textContent = main.getAttribute("data-inbox-updated") || ""; }
      })
      .catch(function () { /* the next event tries again */ });
  }

  function changed(event) {
    // Ticks show on a conversation's page only.
    if (event.type === "delivery" && !contact) { return; }
    if (contact) {
      var data = {};
      try { data = JSON.parse(event.data); } catch (e) { return; }
      var id = data.contact_id || (data.contact && data.contact.id);
      if (id !== contact) { return; }
    }
    // Several events of one batch make one fetch.
    if (!pending) { pending = window.setTimeout(refresh, 250); }
  }

  var stream = new EventSource("/api/portal/tenant/current/events");
  stream.addEventListener("message", changed);
  stream.addEventListener("conversation", changed);
  stream.addEventListener("delivery", changed);
  stream.addEventListener("lagged", function () { if (!pending) { pending = window.setTimeout(refresh, 250); } });
  // What happened between the page's render and the stream's (re)opening
  // came as no event: look once each time it opens.
  stream.addEventListener("open", function () { if (!pending) { pending = window.setTimeout(refresh, 0); } });
  scrollChat();
})();

// Quick replies in the answer form: "/" and a shortcut at the start of the
// message opens the saved answers, showing those that match; Enter takes
// the first, a click any (its file goes with it). Without a script the
// same list is a set of radio buttons.
(function () {
  "use strict";
  var box = document.querySelector("[data-quick-replies]");
  var text = document.getElementById("text");
  if (!box || !text) { return; }
  var items = box.querySelectorAll(".quick-item[data-shortcut]");

  function matching() {
    var typed = text.value.match(/^\/(\S*)$/);
    var shown = [];
    for (var i = 0; i < items.length; i++) {
      var hit = !typed || items[i].getAttribute("data-shortcut").indexOf(typed[1].toLowerCase()) === 0;
      items[i].hidden = !hit;
      if (hit) { shown.push(items[i]); }
    }
    return typed ? shown : null;
  }

  function pick(item) {
    var radio = item.querySelector("input");
    radio.checked = true;
    text.value = radio.getAttribute("data-text") || "";
    for (var i = 0; i < items.length; i++) { items[i].hidden = false; }
    text.focus();
  }

  text.addEventListener("input", function () {
    var shown = matching();
    if (shown) { box.open = true; }
  });
  text.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    var shown = matching();
    if (shown && shown.length) { event.preventDefault(); pick(shown[0]); }
  });
  for (var i = 0; i < items.length; i++) {
    items[i].querySelector("input").addEventListener("change", function (event) {
      pick(event.target.closest(".quick-item"));
    });
  }
})();

// 助乡 — progressive enhancement only. Every page works without this file:
// forms submit normally and nothing here is needed to reach any data.
(function () {
  "use strict";

  // Ask before destructive actions: a form (or its submit button) with
  // data-confirm="…" shows that question first.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    var btn = ev.submitter;
    var msg = (btn && btn.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (ev) {
    var a = ev.target instanceof Element ? ev.target.closest("a[data-confirm]") : null;
    if (a && !window.confirm(a.getAttribute("data-confirm"))) ev.preventDefault();
  });

  // Upload progress for the import forms. Large sheets take a while on a
  // rural mobile network; a bar shows that something is happening. If
  // anything is missing or fails, the form is submitted the normal way.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) return;
    if (ev.defaultPrevented || form.getAttribute("data-sending") === "1") return;
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    var xhr = new XMLHttpRequest();
    if (!xhr.upload) return;
    ev.preventDefault();

    var bar = form.querySelector(".upload-progress");
    var buttons = form.querySelectorAll("button[type=submit]");
    var data = new FormData(form);
    form.setAttribute("data-sending", "1");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    if (bar) { bar.hidden = false; bar.value = 0; }

    var fallback = function () {
      if (status.parentNode) status.parentNode.removeChild(status);
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = false;
      if (bar) bar.hidden = true;
      form.submit(); // plain submission; does not fire this handler again
    };

    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) bar.value = Math.round(e.loaded / e.total * 100);
    });
    var status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("role", "status");
    status.textContent = "正在上传…";
    if (bar) bar.insertAdjacentElement("afterend", status);
    xhr.upload.addEventListener("load", function () {
      // The file is up; the server is now checking every row.
      if (bar) bar.removeAttribute("value");
      status.textContent = "文件已上传，正在逐行校验并保存，大文件需要几十秒，请不要关闭页面…";
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("text/html") !== 0) { fallback(); return; }
      // The import runs as a job: the answer was a redirect to its page,
      // which has an address of its own to reload, keep or come back to.
      if (xhr.responseURL && xhr.responseURL.indexOf("/jobs/") > 0) {
        window.location.assign(xhr.responseURL);
        return;
      }
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      document.title = doc.title;
      document.body.replaceWith(doc.body);
      window.scrollTo(0, 0);
    });
    xhr.addEventListener("error", fallback);
    xhr.addEventListener("abort", fallback);
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "text/html");
    xhr.send(data);
  });
  // Steps that cannot be undone (审核通过, 确认结对, 确认完成, 关闭需求) link to
  // a confirmation page (a[data-dialog]). With script, that page's form
  // opens in a dialog over the current page instead; its 返回 closes the
  // dialog. Anything missing or failing follows the link as without script.
  document.addEventListener("click", function (ev) {
    var a = ev.target instanceof Element ? ev.target.closest("a[data-dialog]") : null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    var dialog = document.createElement("dialog");
    if (typeof dialog.showModal !== "function" || !window.fetch || !window.DOMParser) return;
    ev.preventDefault();
    fetch(a.href, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.text();
    }).then(function (html) {
      var step = new DOMParser().parseFromString(html, "text/html").querySelector(".confirm-step");
      if (!step) throw new Error("no confirmation"); // signed out: the link shows the login
      dialog.className = "confirm-dialog";
      dialog.setAttribute("aria-labelledby", "confirm-title");
      dialog.appendChild(document.importNode(step, true));
      document.body.appendChild(dialog);
      dialog.addEventListener("close", function () { dialog.remove(); });
      dialog.showModal();
    }).catch(function () { window.location.href = a.href; });
  });

  document.addEventListener("click", function (ev) {
    var a = ev.target instanceof Element ? ev.target.closest("dialog [data-dialog-close]") : null;
    if (!a) return;
    ev.preventDefault();
    a.closest("dialog").close();
  });

  // A job's page (an import, an allocation run): ask for its progress
  // every second and move the bar; when it is finished, go to its result.
  // Without this script the page refreshes itself (<noscript> in the head).
  function followJob(box) {
    var url = box.getAttribute("data-job");
    var bar = box.querySelector(".job-progress");
    var text = box.querySelector(".job-text");
    var pct = box.querySelector(".job-percent-value");
    var failures = 0;
    var poll = function () {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.addEventListener("load", function () {
        var st = null;
        try { st = JSON.parse(xhr.responseText); } catch (e) { st = null; }
        if (xhr.status !== 200 || !st) { window.location.reload(); return; }
        if (bar) bar.value = st.percent;
        if (pct) pct.textContent = st.percent;
        if (text) text.textContent = st.text;
        if (st.state === "done" || st.state === "failed") {
          window.location.replace(st.url);
          return;
        }
        window.setTimeout(poll, 1000);
      });
      xhr.addEventListener("error", function () {
        // A dropped mobile connection: try again a little later, then
        // fall back to reloading the page.
        if (++failures > 5) { window.location.reload(); return; }
        window.setTimeout(poll, 3000);
      });
      xhr.send();
    };
    window.setTimeout(poll, 500);
  }
  var box = document.querySelector("[data-job]");
  if (box && window.XMLHttpRequest && window.JSON) followJob(box);
  // Pickers (web/pick.go): a text field inside [data-pick] lists, as the
  // user types, the matches the JSON endpoint named by data-pick returns
  // (name, pinyin or code; only what the user may pick). A choice fills the
  // field with its label and the hidden {name}_id with its id; typing over
  // it clears the id. Without this script the server resolves the text.
  function initPicker(box) {
    var input = box.querySelector("input:not([type=hidden]):not([type=radio])");
    var hidden = box.querySelector('input[type=hidden][name$="_id"]');
    if (!input || !hidden || !window.fetch || !window.JSON) return;
    var list = document.createElement("ul");
    list.className = "pick-list";
    list.id = input.id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var items = [], active = -1, timer = 0, asked = 0;
    var chosen = hidden.value ? input.value : null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(i) {
      var opts = list.querySelectorAll("[role=option]");
      for (var j = 0; j < opts.length; j++) opts[j].setAttribute("aria-selected", j === i ? "true" : "false");
      active = i;
      if (opts[i]) {
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({ block: "nearest" });
      }
    }
    function choose(i) {
      var it = items[i];
      if (!it) return;
      input.value = it.label;
      hidden.value = it.id;
      chosen = it.label;
      // What the server said about the earlier text no longer holds.
      var stale = box.querySelectorAll(".pick-candidates, .field-error, .pick-choice");
      for (var j = 0; j < stale.length; j++) stale[j].parentNode.removeChild(stale[j]);
      box.classList.remove("has-error");
      var note = document.createElement("p");
      note.className = "pick-choice";
      note.textContent = "已选：" + it.label;
      list.insertAdjacentElement("afterend", note);
      close();
    }
    function render() {
      list.textContent = "";
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "pick-empty";
        none.textContent = "没有找到相符的结果，可换个写法或输入拼音首字母";
        list.appendChild(none);
      }
      items.forEach(function (it, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.className = "pick-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "pick-name";
        name.textContent = it.name;
        var more = document.createElement("span");
        more.className = "pick-more";
        more.textContent = [it.county, it.detail].filter(Boolean).join(" · ");
        li.appendChild(name);
        li.appendChild(more);
        // mousedown, not click: the field must not lose focus (and close
        // the list) before the choice is taken.
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function search() {
      var q = input.value.trim();
      var mine = ++asked;
      if (!q) { items = []; close(); return; }
      fetch(box.getAttribute("data-pick") + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (mine !== asked || !d || document.activeElement !== input) return;
          items = d.items || [];
          active = -1;
          render();
        })
        .catch(function () { /* the server resolves the text on submit */ });
    }
    input.addEventListener("input", function () {
      if (input.value !== chosen) { hidden.value = ""; chosen = null; }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) {
        if (e.key === "ArrowDown" && input.value.trim()) { e.preventDefault(); search(); }
        return;
      }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    input.addEventListener("blur", close);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-pick]"), initPicker);

  // Fields that belong to one role (the user form's scope): a fieldset with
  // data-role-scope="<id of the role select>" shows only its [data-role]
  // fields of the chosen role, and hides itself when none is (the admin).
  // Without this script every field shows, labelled with its role.
  Array.prototype.forEach.call(document.querySelectorAll("[data-role-scope]"), function (set) {
    var sel = document.getElementById(set.getAttribute("data-role-scope"));
    if (!sel) return;
    Array.prototype.forEach.call(set.querySelectorAll("[data-no-script]"), function (el) { el.hidden = true; });
    var fields = set.querySelectorAll("[data-role]");
    function update() {
      var any = false;
      for (var i = 0; i < fields.length; i++) {
        var on = fields[i].getAttribute("data-role") === sel.value;
        fields[i].hidden = !on;
        any = any || on;
      }
      set.hidden = !any;
    }
    sel.addEventListener("change", update);
    update();
  });
})();

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
})();

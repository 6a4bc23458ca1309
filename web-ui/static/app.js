// smartket node UI: the few things plain HTML cannot do. Every page works without it.
"use strict";

// A picture chosen for upload is shown before it is sent.
document.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
  var preview = document.getElementById(input.dataset.preview);
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!preview || !file) return;
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
  });
});

// Replaces the element `id` with the same element of the page as the node renders it now.
function refresh(id) {
  return fetch(location.pathname + location.search, { credentials: "same-origin" })
    .then(function (r) { return r.text(); })
    .then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(id);
      var shown = document.getElementById(id);
      if (fresh && shown) shown.replaceWith(fresh);
    });
}

// An order's page follows the node's order events without reloading.
var order = document.querySelector("[data-live-order]");
if (order && window.EventSource) {
  var wanted = order.dataset.liveOrder;
  new EventSource("/api/v1/events").addEventListener("order", function (e) {
    try {
      if (JSON.parse(e.data).order === wanted) refresh("order");
    } catch (_) { /* an event of another shape: not ours */ }
  });
}

// A running import shows its progress until it is done.
var job = document.querySelector("[data-import-progress]");
if (job) {
  var poll = function () {
    refresh("import").then(function () {
      var now = document.querySelector("[data-import-progress]");
      if (now && now.dataset.importProgress === "running") setTimeout(poll, 500);
    });
  };
  if (job.dataset.importProgress === "running") setTimeout(poll, 500);
}

// On a phone the header's menu folds behind its button, and the search filters behind their
// summary, so that the page's own content comes first.
var narrow = window.matchMedia("(max-width: 40rem)");
var menuButton = document.querySelector("header.site button.menu");
var menuItems = document.getElementById("site-menu");
if (menuButton && menuItems) {
  var setMenu = function (open) {
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    menuItems.classList.toggle("closed", !open);
  };
  var fitMenu = function () {
    menuButton.hidden = !narrow.matches;
    setMenu(!narrow.matches);
  };
  menuButton.addEventListener("click", function () {
    setMenu(menuButton.getAttribute("aria-expanded") !== "true");
  });
  narrow.addEventListener("change", fitMenu);
  fitMenu();
}
if (narrow.matches) {
  document.querySelectorAll("details.toggle[open]").forEach(function (d) { d.removeAttribute("open"); });
}

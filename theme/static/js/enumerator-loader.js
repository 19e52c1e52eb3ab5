/* Chợ phiên: shows the "Khảo sát nhiều đơn vị" section and loads its code (response-code.js, then
   enumerator.js) only when it is opened, or at once when this device already holds responses.
   A cooperative assessing itself never downloads it. */
(function () {
  var root = document.getElementById("khao-sat-nhieu-don-vi");
  if (!root || !window.localStorage || root.hasAttribute("data-loader")) return;
  root.setAttribute("data-loader", "");
  root.hidden = false;
  var open = document.getElementById("enum-open"), started = false;
  function load(src, then) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = then;
    document.head.appendChild(script);
  }
  function start() {
    if (started) return;
    started = true;
    open.disabled = true;
    var files = ["data-code-js", "data-js", "data-qr"].map(function (name) { return root.getAttribute(name); });
    load(files[0], function () { load(files[1], function () {}); });
    // Opened once with signal, the mode works offline: the page's service worker keeps its files.
    if (navigator.serviceWorker && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) registration.active.postMessage({ type: "precache", urls: files });
      });
    }
  }
  open.addEventListener("click", start);
  var saved = false;
  try {
    for (var i = 0; i < localStorage.length; i++) if (localStorage.key(i).indexOf("chophien-enum:") === 0) saved = true;
  } catch (e) { /* storage blocked: the mode will say so */ }
  if (saved) start();
})();

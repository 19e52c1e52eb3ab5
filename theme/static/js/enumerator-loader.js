/* Chợ phiên: shows the "Khảo sát nhiều đơn vị" section and loads its code (response-code.js, then
   enumerator.js) only when it is opened, or at once when this device already holds responses.
   A cooperative assessing itself never downloads it. */
(function () {
  var root = document.getElementById("khao-sat-nhieu-don-vi");
  if (!root || !window.localStorage) return;
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
    load(root.getAttribute("data-code-js"), function () { load(root.getAttribute("data-js"), function () {}); });
  }
  open.addEventListener("click", start);
  var saved = false;
  try {
    for (var i = 0; i < localStorage.length; i++) if (localStorage.key(i).indexOf("chophien-enum:") === 0) saved = true;
  } catch (e) { /* storage blocked: the mode will say so */ }
  if (saved) start();
})();

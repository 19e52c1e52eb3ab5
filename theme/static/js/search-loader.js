/* Chợ phiên: loads the search code (search.js, then Pagefind) only when the search form is
   used, or when the page opens with a query. Browsing never needs it. */
(function () {
  var form = document.getElementById("tim-kiem");
  if (!form) return;
  var filters = form.querySelector(".filters");
  if (filters) filters.hidden = false;
  var loaded = false;
  function load() {
    if (loaded) return;
    loaded = true;
    var script = document.createElement("script");
    script.src = form.getAttribute("data-js");
    document.head.appendChild(script);
  }
  form.addEventListener("focusin", load);
  form.addEventListener("input", load);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });
  if (/[?&](q|danh-muc|tinh|ocop|chung-nhan|loai)=./.test(location.search)) load();
})();

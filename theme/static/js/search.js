/* Chợ phiên search: Pagefind's JS API with our own result list (name, price, producer,
   thumbnail). Loaded by search-loader.js on first use of the form. */
(function () {
  var form = document.getElementById("tim-kiem");
  var base = form.getAttribute("data-base") || "";
  var input = form.elements.q;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
  var status = document.getElementById("trang-thai");
  var list = document.getElementById("ket-qua");
  var more = document.getElementById("them");
  var PAGE = 12;
  // The page's words (search.html, through the message catalogue), "|"-separated; {} where a
  // number or the query goes: busy, one result, several results, the query, none found, not loaded.
  var W = (form.getAttribute("data-words") || "").split("|");
  function say(i, value) {
    return (W[i] || "").replace("{}", function () {
      return value;
    });
  }
  var results = [];
  var shown = 0;
  var run = 0;
  var timer;

  // A national site (docs/federation.md) names its member sites' search bundles: Pagefind's
  // multisite search merges them (mergeIndex), each with its site's address for the result links.
  // A member whose bundle does not answer is left out; the others are still searched.
  var members = JSON.parse(form.getAttribute("data-members") || "[]");

  function merge(pagefind, member) {
    return fetch(member.search + "pagefind-entry.json", { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return pagefind.mergeIndex(member.search, { baseUrl: member.url });
      })
      .catch(function () {
        return null;
      });
  }

  var ready = import(base + "/tim-kiem/pagefind/pagefind.js").then(function (pagefind) {
    return pagefind
      .options({ baseUrl: base + "/", noWorker: true })
      .then(function () {
        return Promise.all(
          members.map(function (member) {
            return merge(pagefind, member);
          })
        );
      })
      .then(function () {
        return pagefind;
      });
  });

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function chosenFilters() {
    var chosen = {};
    var any = false;
    selects.forEach(function (select) {
      if (select.value) {
        chosen[select.name] = select.value;
        any = true;
      }
    });
    return any ? chosen : null;
  }

  function remember(query, chosen) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    Object.keys(chosen || {}).forEach(function (key) {
      params.set(key, chosen[key]);
    });
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    if (params.get("q")) input.value = params.get("q");
    selects.forEach(function (select) {
      var value = params.get(select.name);
      if (value) select.value = value;
    });
  }

  function hit(data) {
    var meta = data.meta || {};
    var item = node("li", "hit");
    var link = node("a");
    link.href = data.url;
    if (meta.image) {
      var picture = node("picture");
      if (meta.image_webp) {
        var source = node("source");
        source.type = "image/webp";
        source.srcset = meta.image_webp;
        picture.appendChild(source);
      }
      var image = node("img");
      image.src = meta.image;
      image.alt = "";
      image.width = 80;
      image.height = 60;
      image.loading = "lazy";
      picture.appendChild(image);
      link.appendChild(picture);
    }
    link.appendChild(node("span", "name", meta.title || data.url));
    item.appendChild(link);
    if (meta.price) item.appendChild(node("span", "price", meta.price));
    var where = [meta.coop, meta.place].filter(Boolean).join(" · ");
    if (where) item.appendChild(node("span", "meta", where));
    return item;
  }

  function showMore(mine) {
    var slice = results.slice(shown, shown + PAGE);
    shown += slice.length;
    return Promise.all(
      slice.map(function (result) {
        return result.data();
      })
    ).then(function (pages) {
      if (mine !== run) return;
      pages.forEach(function (page) {
        // On a national site only the members' pages are results (its own bundle is a placeholder).
        if (members.length && !/^https?:\/\//.test(page.url)) return;
        list.appendChild(hit(page));
      });
      more.hidden = shown >= results.length;
    });
  }

  function search() {
    var mine = ++run;
    var query = input.value.trim();
    var chosen = chosenFilters();
    remember(query, chosen);
    if (!query && !chosen) {
      list.textContent = "";
      status.textContent = "";
      more.hidden = true;
      return;
    }
    status.textContent = W[0];
    ready
      .then(function (pagefind) {
        return pagefind.search(query || null, chosen ? { filters: chosen } : {});
      })
      .then(function (found) {
        if (mine !== run) return;
        results = found.results;
        shown = 0;
        list.textContent = "";
        return showMore(mine).then(function () {
          if (mine !== run) return;
          var about = query ? " " + say(3, query) : "";
          status.textContent = results.length
            ? say(results.length === 1 ? 1 : 2, results.length) + about
            : say(4, about);
        });
      })
      .catch(function () {
        if (mine === run) status.textContent = W[5];
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  selects.forEach(function (select) {
    select.addEventListener("change", search);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  more.addEventListener("click", function () {
    showMore(run);
  });
  restore();
  search();
})();

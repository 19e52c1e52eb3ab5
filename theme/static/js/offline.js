// Optional (docs/phone.md): registers sw.js after load; "Lưu để xem khi mất sóng" on a cooperative page.
(() => {
  const sw = navigator.serviceWorker;
  const me = document.currentScript;
  if (!sw || !me || !window.caches) return;
  const root = new URL('../../', me.src).href; // theme/js/offline.<hash>.js
  const ask = (m) => sw.ready.then((r) => new Promise((done) => {
    const c = new MessageChannel();
    c.port1.onmessage = (e) => done(e.data || {});
    r.active.postMessage(m, [c.port2]);
  }));
  // The first page loaded before the worker ran: keep it and what it used (in the HTTP cache).
  const start = () => sw.register(root + 'sw.js', {scope: root}).then(() => sw.controller || ask({
    type: 'keep',
    urls: [location.href].concat(performance.getEntriesByType('resource').map((e) => e.name)),
  })).catch(() => 0);
  const idle = () => (window.requestIdleCallback || setTimeout)(start);
  if (document.readyState == 'complete') idle(); else addEventListener('load', idle);

  const box = document.querySelector('[data-luu]');
  if (!box) return;
  const button = box.querySelector('button');
  const out = box.querySelector('[role=status]');
  const src = box.dataset.luu;
  const label = button.textContent;
  // The page's words (cooperative.html).
  const [offline, savedAt, remove, removed, saving] = box.dataset.w.split('|');
  // The format this browser chose for the page's photos, asked at the tap (a lazy photo has no
  // currentSrc before it loads); none loaded: WebP when the browser can write it, else JPEG.
  const format = () => {
    const photo = [...document.images].map((i) => i.currentSrc).find((u) => /-[0-9a-f]{10}-\d+\.(avif|webp|jpg)$/.test(u));
    return photo ? photo.split('.').pop()
      : document.createElement('canvas').toDataURL('image/webp').startsWith('data:image/webp') ? 'webp' : 'jpg';
  };
  let step = 0; // 0: not saved; 1: size shown, asking; 2: saved
  let chosen = 'jpg';
  const show = (text, next, title) => {
    out.textContent = text;
    step = next;
    button.textContent = title || label;
    button.disabled = false;
  };
  const saved = (r) => r.at && show(savedAt.replace('{}', r.when), 2, remove);
  ask({type: 'status', src}).then((r) => saved(r, box.hidden = false));
  button.onclick = async () => {
    button.disabled = true;
    try {
      if (step == 2) return show((await ask({type: 'remove', src}), removed), 0);
      if (step == 0) {
        const r = await ask({type: 'plan', src, format: chosen = format()}); // the size, and whether there is room
        return show(r.text || offline, r.title ? 1 : 0, r.title);
      }
      out.textContent = saving;
      navigator.storage && navigator.storage.persist().catch(() => 0);
      const r = await ask({type: 'save', src, format: chosen});
      r.at ? saved(r) : show(r.text || offline, 0);
    } catch (e) {
      show(offline, 0);
    }
  };
})();

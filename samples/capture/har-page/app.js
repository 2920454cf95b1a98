// Page-side helpers for samples/capture/har-capture.mjs, which calls them through page.evaluate.
// Everything here is what a page's own script would do: fetch() with the browser's defaults
// (redirect: 'follow', default cache mode) and an <img> load.

/** fetch(url, { method, body }) and report what the page sees (the final response only). */
window.send = async function send(method, url, body) {
  const init = { method };
  if (body !== undefined) init.body = body;
  try {
    const r = await fetch(url, init);
    await r.arrayBuffer();
    return { status: r.status, url: r.url, redirected: r.redirected, type: r.type };
  } catch (e) {
    return { error: String(e) };
  }
};

/** Load url into the page's <img> and report whether it loaded (a 500 at the end of a chain does not). */
window.loadImage = function loadImage(url) {
  return new Promise((resolve) => {
    const img = document.getElementById('probe');
    img.onload = () => resolve({ loaded: true });
    img.onerror = () => resolve({ loaded: false });
    img.src = url;
  });
};

/* Inside an embed page: tells the partner page (only the origin the server accepted) the page's height. */
(() => {
  const parent = document.documentElement.getAttribute('data-parent-origin');
  if (!parent || window.parent === window) return;
  let last = 0;
  function send() {
    // The page's own height: scrollHeight never falls below the frame's, so a frame taller than its
    // content (an agenda of one event in the first 600 px) would never shrink.
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ atelier: 'height', height }, parent);
  }
  send();
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
  window.addEventListener('load', send);
})();

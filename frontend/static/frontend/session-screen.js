// The session screen: fetches each new check-in code from the API and swaps the QR code and the short code
// in place (GET /api/v1/sessions/{id}/check-in-code/ says when it rotates; .../check-in-qr/ is its SVG).
// Without JavaScript the page reloads itself instead (a <noscript> refresh).
(function () {
  "use strict";
  const main = document.querySelector("[data-code-url]");
  if (!main) return;
  const box = main.querySelector("[data-qr]");
  const digits = main.querySelector("[data-short-code]");
  const MIN_MS = 1000, MAX_MS = 30000, RETRY_MS = 3000;

  async function swap() {
    const response = await fetch(main.dataset.qrUrl, {credentials: "same-origin", cache: "no-store"});
    if (!response.ok) throw new Error(response.status);
    const svg = new DOMParser().parseFromString(await response.text(), "image/svg+xml").documentElement;
    if (svg.nodeName !== "svg") throw new Error("not an SVG");
    // Scaled to its box: a viewBox of its own size, no fixed size.
    if (!svg.hasAttribute("viewBox")) {
      svg.setAttribute("viewBox", `0 0 ${svg.getAttribute("width")} ${svg.getAttribute("height")}`);
    }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("class", "session-screen__svg");
    box.replaceChildren(document.importNode(svg, true));
  }

  async function follow() {
    let delay = RETRY_MS;
    try {
      const response = await fetch(main.dataset.codeUrl,
        {headers: {Accept: "application/json"}, credentials: "same-origin", cache: "no-store"});
      if (!response.ok) throw new Error(response.status);
      const current = await response.json();
      if (current.code !== main.dataset.code) {
        await swap();
        main.dataset.code = current.code;
        // "123 456": read in two halves, like a phone number.
        if (digits && current.short_code) {
          digits.textContent = `${current.short_code.slice(0, 3)} ${current.short_code.slice(3)}`;
        }
      }
      // The server's clock decides when the code rotates, not this computer's.
      const serverNow = Date.parse(response.headers.get("Date") || "");
      const left = Date.parse(current.rotates_at) - (Number.isNaN(serverNow) ? Date.now() : serverNow);
      delay = Number.isNaN(left) ? RETRY_MS : Math.min(Math.max(left + 300, MIN_MS), MAX_MS);
    } catch (error) {
      delay = RETRY_MS;
    }
    setTimeout(follow, delay);
  }

  follow();
})();

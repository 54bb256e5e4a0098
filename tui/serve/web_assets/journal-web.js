// The journal's additions to textual-serve's page (loaded right after textual.js):
// - the terminal starts once its font (served by the journal itself) is loaded, so that
//   xterm measures the right cell size;
// - when the server closes the websocket with one of the journal's codes (a cap reached,
//   the time to log in over), the closed dialog shows that reason in Russian;
// - the buttons start a fresh session (no inline handlers: the page's CSP forbids them).
(() => {
  "use strict";

  const NativeWebSocket = window.WebSocket;

  function showWhyClosed(code) {
    const message = document.getElementById("closed-message");
    const words = document.querySelector(`template[data-close-code="${code}"]`);
    if (message && words) {
      message.textContent = words.content.textContent.trim();
    }
  }

  class JournalWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("close", (event) => showWhyClosed(event.code));
    }
  }
  window.WebSocket = JournalWebSocket;

  function startAgain() {
    const url = new URL(window.location.href);
    url.searchParams.delete("delay");
    url.searchParams.delete("ping"); // textual.js would fetch that address: never another host
    window.location.href = url.pathname + url.search;
  }

  const startTerminal = window.onload; // set by textual.js
  window.onload = async (event) => {
    document.querySelectorAll("button.restart").forEach((button) => {
      button.addEventListener("click", startAgain);
    });
    if (new URLSearchParams(window.location.search).has("ping")) {
      startAgain();
      return;
    }
    const terminal = document.querySelector(".textual-terminal");
    const size = (terminal && terminal.dataset.fontSize) || "16";
    try {
      await document.fonts.load(`${size}px "Roboto Mono"`, "Журнал");
    } catch (error) {
      // a font that does not load leaves the fallback monospace, not a dead page
    }
    if (startTerminal) {
      startTerminal(event);
    }
  };
})();

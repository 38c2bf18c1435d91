// tipdraft preview: follows the server's event stream; every text from the file is set as text.
"use strict";
(function () {
  const token = new URLSearchParams(window.location.search).get("token") || "";
  const query = "token=" + encodeURIComponent(token);
  const host = document.getElementById("cable");
  const shadow = host.attachShadow({ mode: "open" });
  const status = document.getElementById("status");
  const list = document.getElementById("diagnostics");
  const pdf = document.getElementById("pdf");
  const pdfNote = document.getElementById("pdf-note");
  const pdfSaid = pdfNote.textContent;
  let shownVersion = null;
  pdf.href = "cable.pdf?" + query;

  function stylesheet(href) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    return link;
  }

  // The cable's HTML, as the server rendered it (its text escaped there), in a shadow root,
  // so its stylesheet and the page's do not meet.
  function showCable(state) {
    const parsed = document.createElement("template");
    parsed.innerHTML = state.cable;
    const cable = document.createElement("div");
    cable.className = "cable";
    cable.append(parsed.content);
    shadow.replaceChildren(
      stylesheet("cable.css?" + query + "&v=" + state.shown_version),
      stylesheet("preview.css?" + query),
      cable
    );
    shownVersion = state.shown_version;
  }

  function note(d) {
    const element = document.createElement("span");
    element.className = "tip-diagnostic " + d.severity;
    element.setAttribute("role", "note");
    element.textContent = d.text;
    return element;
  }

  function listed(d, target) {
    const item = document.createElement("li");
    item.className = d.severity;
    item.textContent = d.text;
    if (target) {
      item.tabIndex = 0;
      item.title = "Show it in the cable";
      item.addEventListener("click", () => target.scrollIntoView({ block: "center" }));
    }
    return item;
  }

  function update(state) {
    if (state.cable !== null && state.shown_version !== shownVersion) {
      showCable(state);
    }
    shadow.querySelectorAll(".tip-diagnostic").forEach((element) => element.remove());
    const items = state.diagnostics.map((d) => {
      const target = d.anchor ? shadow.getElementById(d.anchor) : null;
      const inline = target ? note(d) : null;
      if (inline) {
        target.before(inline);
      }
      return listed(d, inline);
    });
    list.replaceChildren(...items);
    status.textContent = state.summary;
    document.body.dataset.state = state.ok ? "ok" : "failed";
    document.body.dataset.version = String(state.version);
    pdf.hidden = !state.ok;
    pdfNote.textContent = state.ok ? pdfSaid : "No PDF while the file as saved has errors.";
  }

  const events = new EventSource("events?" + query);
  events.addEventListener("update", (event) => update(JSON.parse(event.data)));
  events.addEventListener("error", () => {
    if (events.readyState !== EventSource.OPEN) {
      status.textContent = "Not connected: is tipdraft preview still running? (the page reconnects by itself)";
    }
  });
})();

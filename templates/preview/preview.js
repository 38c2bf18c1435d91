// tipdraft preview: follows the server's event stream; every text from the file is set as text.
"use strict";
(function () {
  // The printed address carries the token in its query; the browser tipdraft opened has it in
  // a cookie instead (sent by itself), and its address holds no token.
  const token = new URLSearchParams(window.location.search).get("token");
  const query = token ? "token=" + encodeURIComponent(token) : "";
  const host = document.getElementById("cable");
  const shadow = host.attachShadow({ mode: "open" });
  const status = document.getElementById("status");
  const advice = document.getElementById("advice");
  const list = document.getElementById("diagnostics");
  const pdf = document.getElementById("pdf");
  const pdfNote = document.getElementById("pdf-note");
  const pdfSaid = pdfNote.textContent;
  let shownVersion = null;
  pdf.href = address("cable.pdf");

  function address(path, more) {
    const parts = [query, more || ""].filter((part) => part);
    return parts.length ? path + "?" + parts.join("&") : path;
  }

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
      stylesheet(address("cable.css", "v=" + state.shown_version)),
      stylesheet(address("preview.css")),
      cable
    );
    shownVersion = state.shown_version;
  }

  function span(className, text) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  // One problem in the drafter's words: its place (para 25.E), what is wrong, then small the
  // command that fixes it and the file's line and column.
  function words(d, element) {
    if (d.place) {
      element.append(span("place", d.place + ": "));
    }
    element.append(span("text", d.text));
    if (d.command) {
      element.append(" ", span("command", d.command));
    }
    if (d.detail) {
      element.append(" ", span("detail", d.detail));
    }
    return element;
  }

  function note(d) {
    const element = words(d, document.createElement("span"));
    element.className = "tip-diagnostic " + d.severity;
    element.setAttribute("role", "note");
    element.prepend(span("severity", d.severity === "error" ? "Error. " : "Warning. "));
    return element;
  }

  function listed(d, target) {
    const item = words(d, document.createElement("li"));
    item.className = d.severity;
    if (target) {
      item.tabIndex = 0;
      item.title = "Show it in the cable";
      item.addEventListener("click", () => target.scrollIntoView({ block: "center" }));
    }
    return item;
  }

  // Errors first, under a heading that says so (not colour alone), then warnings.
  function grouped(items, diagnostics) {
    const groups = [];
    for (const [severity, title] of [["error", "Errors"], ["warning", "Warnings"]]) {
      const mine = items.filter((_, i) => diagnostics[i].severity === severity);
      if (mine.length) {
        const heading = document.createElement("h2");
        heading.className = severity;
        heading.textContent = title + " (" + mine.length + ")";
        const ol = document.createElement("ol");
        ol.replaceChildren(...mine);
        groups.push(heading, ol);
      }
    }
    return groups;
  }

  function update(state) {
    if (state.cable !== null && state.shown_version !== shownVersion) {
      showCable(state);
    }
    host.hidden = state.cable === null; // no empty white box: the status and advice say why
    shadow.querySelectorAll(".tip-diagnostic").forEach((element) => element.remove());
    const items = state.diagnostics.map((d) => {
      const target = d.anchor ? shadow.getElementById(d.anchor) : null;
      const inline = target ? note(d) : null;
      if (inline) {
        target.before(inline);
      }
      return listed(d, inline);
    });
    list.replaceChildren(...grouped(items, state.diagnostics));
    status.textContent = state.summary;
    advice.textContent = state.advice || "";
    advice.hidden = !state.advice;
    document.body.dataset.state = state.ok ? "ok" : "failed";
    document.body.dataset.version = String(state.version);
    pdf.hidden = !state.ok;
    pdfNote.textContent = state.ok ? pdfSaid : "No PDF while the file as saved has errors.";
  }

  const events = new EventSource(address("events"));
  events.addEventListener("update", (event) => update(JSON.parse(event.data)));
  events.addEventListener("error", () => {
    if (events.readyState !== EventSource.OPEN) {
      status.textContent = "Not connected: is tipdraft preview still running? (the page reconnects by itself)";
    }
  });
})();

// tipdraft edit: the form of a country file. Each change is sent to the server (debounced),
// which makes it in the file's text in memory, checks it as validate does and renders the
// cable; Save writes the file. Every text from the file is set as text, never as markup.
"use strict";
(function () {
  const token = new URLSearchParams(window.location.search).get("token");
  const query = token ? "?token=" + encodeURIComponent(token) : "";
  const $ = (id) => document.getElementById(id);
  const form = $("form");
  const status = $("status");
  const host = $("cable");
  const shadow = host.attachShadow({ mode: "open" });
  const DEBOUNCE_MS = 300;

  let page = null; // {name, key, digest, fields, draft}
  let byId = new Map(); // field id -> {field, control, box, problems}
  let pending = {}; // field id -> value typed and not saved
  let timer = null;
  let asked = 0; // the last check asked for: older answers are ignored
  let saving = false;
  let lastStep = null; // the field "Next/Previous to review" went to last

  // ---- talking to the server ----
  async function call(path, body) {
    const headers = { "Content-Type": "application/json" };
    if (token) {
      headers["X-Tipdraft-Token"] = token;
    }
    const response = await fetch(body === undefined ? path + query : path, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    return { status: response.status, data: await response.json() };
  }

  function say(text, failed) {
    status.textContent = text;
    document.body.classList.toggle("failed", Boolean(failed));
  }

  // ---- values ----
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function lines(text) {
    return text.split("\n").map((line) => line.trim()).filter((line) => line);
  }

  function valueOf(entry) {
    const kind = entry.field.kind;
    if (kind === "reviewed") {
      return entry.control.checked;
    }
    if (kind === "rows") {
      return Array.from(entry.box.querySelectorAll("input.row")).map((i) => i.value.trim()).filter((v) => v);
    }
    if (kind === "list") {
      return lines(entry.control.value);
    }
    return entry.control.value.replace(/\r\n/g, "\n");
  }

  function setValue(entry, value) {
    const kind = entry.field.kind;
    if (kind === "reviewed") {
      entry.control.checked = Boolean(value);
    } else if (kind === "rows") {
      const list = entry.box.querySelector("ol");
      list.replaceChildren();
      (value.length ? value : [""]).forEach((v) => addRow(entry, v));
    } else if (kind === "list") {
      entry.control.value = value.join("\n");
    } else {
      entry.control.value = value;
    }
    grow(entry.control);
  }

  function storageKey() {
    return "tipdraft-edit:" + page.key + ":" + page.digest;
  }

  function keep() {
    try {
      if (Object.keys(pending).length) {
        localStorage.setItem(storageKey(), JSON.stringify({ values: pending, at: new Date().toISOString() }));
      } else {
        localStorage.removeItem(storageKey());
      }
    } catch (error) {
      say("Your typing cannot be kept in this browser (" + error.message + "): save often.", true);
    }
  }

  function changed(entry) {
    const value = valueOf(entry);
    if (same(value, entry.field.value)) {
      delete pending[entry.field.id];
    } else {
      pending[entry.field.id] = value;
    }
    keep();
    if (entry.field.kind === "reviewed") {
      const group = entry.box.closest(".item, section");
      group.classList.toggle("carried", Array.from(group.querySelectorAll(".kind-reviewed input")).some((c) => !c.checked));
      countReview();
    }
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
    say(Object.keys(pending).length ? "Not saved yet: " + Object.keys(pending).length + " field(s) changed." : "No changes.");
  }

  // ---- building the form ----
  function grow(control) {
    if (control && control.tagName === "TEXTAREA" && control.isConnected) {
      control.style.height = "auto";
      control.style.height = control.scrollHeight + 4 + "px";
    }
  }

  // Every text area to its text's height: all heights cleared, then all read (one layout), then set.
  function growAll() {
    const areas = Array.from(form.querySelectorAll("textarea"));
    areas.forEach((area) => (area.style.height = "auto"));
    const heights = areas.map((area) => area.scrollHeight);
    areas.forEach((area, i) => (area.style.height = heights[i] + 4 + "px"));
  }

  function element(tag, attributes, text) {
    const made = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      made.setAttribute(name, value);
    }
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

  function addRow(entry, value) {
    const list = entry.box.querySelector("ol");
    const number = list.children.length + 1;
    const id = entry.domId + "-row" + number;
    const item = element("li");
    const label = element("label", { for: id, class: "row-label" }, "Employee " + number);
    const input = element("input", { id: id, type: "text", class: "row", "aria-describedby": entry.describedBy });
    input.value = value;
    input.addEventListener("input", () => changed(entry));
    item.append(label, input);
    list.append(item);
    return input;
  }

  function control(field, domId, describedBy) {
    let made;
    if (field.kind === "textarea" || field.kind === "list") {
      made = element("textarea", { id: domId, rows: "2", spellcheck: "true" });
    } else if (field.kind === "choice") {
      made = element("select", { id: domId });
      if (!field.required || !field.value) {
        made.append(element("option", { value: "" }, "(none)"));
      }
      const choices = field.value && !field.choices.includes(field.value) ? [field.value, ...field.choices] : field.choices;
      choices.forEach((choice) => made.append(element("option", { value: choice }, choice))); // the file's own too
    } else if (field.kind === "reviewed") {
      made = element("input", { id: domId, type: "checkbox" });
    } else if (field.kind === "rows") {
      return null;
    } else {
      made = element("input", { id: domId, type: "text" });
    }
    made.setAttribute("aria-describedby", describedBy);
    if (field.required && field.kind !== "reviewed") {
      made.setAttribute("aria-required", "true");
    }
    return made;
  }

  function lastYear(field) {
    const details = element("details", { class: "last-year" });
    details.append(element("summary", {}, "Last year's text, and what changed"));
    const shown = element("p", { class: "diff" });
    details.append(shown);
    showDiff(shown, field.diff);
    return details;
  }

  function showDiff(target, ops) {
    target.replaceChildren(
      ...ops.map(([op, words]) => {
        const tag = op === "-" ? "del" : op === "+" ? "ins" : "span";
        const part = element(tag, {}, words + " ");
        if (op !== "=") {
          part.prepend(element("span", { class: "sr-only" }, op === "-" ? "[removed: " : "[added: "));
          part.append(element("span", { class: "sr-only" }, "]"));
        }
        return part;
      })
    );
  }

  // A control's id, the same for a field whatever else the file holds (focus survives a rebuild).
  function domIdOf(field) {
    return "f-" + field.id.replace(/[^A-Za-z0-9-]/g, "_");
  }

  function fieldBox(field) {
    const domId = domIdOf(field);
    const box = element("div", { class: "field kind-" + field.kind });
    box.dataset.field = field.id;
    const hintId = domId + "-hint";
    const problemsId = domId + "-problems";
    const describedBy = hintId + " " + problemsId;
    const entry = { field: field, domId: domId, box: box, describedBy: describedBy, control: null };
    const made = control(field, domId, describedBy);
    if (field.kind === "rows") {
      box.append(element("h4", { id: domId }, field.label), element("p", { id: hintId, class: "hint" }, field.hint));
      box.append(element("ol", { class: "rows" }));
      const more = element("button", { type: "button", class: "add-row" }, "Add an employee");
      more.addEventListener("click", () => addRow(entry, "").focus());
      box.append(more);
      entry.control = box;
    } else {
      entry.control = made;
      const label = element("label", { for: domId }, field.label);
      const hint = element("p", { id: hintId, class: "hint" }, field.hint + (field.kind === "list" ? " (one per line)" : ""));
      box.append(...(field.kind === "reviewed" ? [made, label, hint] : [label, hint, made]));
      made.addEventListener(made.tagName === "SELECT" || made.type === "checkbox" ? "change" : "input", () => {
        grow(made);
        changed(entry);
      });
    }
    entry.problems = element("ul", { id: problemsId, class: "field-problems", "aria-live": "polite" });
    box.append(entry.problems);
    if (field.last_year) {
      box.append(lastYear(field));
    }
    setValue(entry, field.value);
    return entry;
  }

  function build(fields, typed) {
    const active = document.activeElement;
    const focused = active && active.id;
    const caret = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    form.replaceChildren();
    byId = new Map();
    let section = null;
    let item = null;
    fields.forEach((field, index) => {
      if (!section || section.dataset.name !== field.section) {
        const headingId = "s" + index;
        section = element("section", { "aria-labelledby": headingId });
        section.dataset.name = field.section;
        section.append(element("h3", { id: headingId }, field.section));
        form.append(section);
        item = null;
      }
      if (field.item && (!item || item.dataset.item !== field.item)) {
        item = element("div", { class: "item" });
        item.dataset.item = field.item;
        section.append(item);
      } else if (!field.item) {
        item = null;
      }
      const entry = fieldBox(field);
      (item || section).append(entry.box);
      if (field.carried) {
        (item || section).classList.add("carried");
      }
      byId.set(field.id, entry);
    });
    pending = {};
    for (const [id, value] of Object.entries(typed || {})) {
      const entry = byId.get(id);
      if (entry) {
        setValue(entry, value);
        if (!same(valueOf(entry), entry.field.value)) {
          pending[id] = valueOf(entry);
        }
      }
    }
    growAll();
    countReview();
    if (focused && $(focused) && $(focused) !== document.activeElement) {
      $(focused).focus();
      if (caret && typeof $(focused).selectionStart === "number") {
        $(focused).setSelectionRange(caret[0], caret[1]);
      }
    }
  }

  // ---- what to review ----
  function toReview() {
    return Array.from(byId.values()).filter((e) => e.field.kind === "reviewed" && !e.control.checked);
  }

  function countReview() {
    const left = toReview().length;
    $("review-count").textContent = left ? left + " item(s) carried over from last year still to review." : "Nothing left to review.";
    $("review-prev").disabled = $("review-next").disabled = !left;
  }

  function step(forward) {
    const left = toReview().map((e) => e.box.closest(".item, section"));
    if (!left.length) {
      return;
    }
    // from the field last stepped to while the buttons have the focus, else from the focus
    const here = $("review").contains(document.activeElement) && lastStep && lastStep.isConnected ? lastStep : document.activeElement;
    const after = left.filter((g) => here.compareDocumentPosition(g) & Node.DOCUMENT_POSITION_FOLLOWING && !g.contains(here));
    const before = left.filter((g) => here.compareDocumentPosition(g) & Node.DOCUMENT_POSITION_PRECEDING && !g.contains(here));
    const target = forward ? after[0] || left[0] : before[before.length - 1] || left[left.length - 1];
    const first = target.querySelector("textarea, input, select");
    lastStep = first;
    first.focus();
    first.scrollIntoView({ block: "center" });
  }

  // ---- checking as they type ----
  async function check() {
    const number = ++asked;
    const answer = await call("check", { digest: page.digest, values: pending });
    if (number !== asked) {
      return; // typed again meanwhile: a newer answer is coming
    }
    if (answer.status !== 200) {
      say(answer.data.error, true);
      return;
    }
    show(answer.data);
  }

  function show(state) {
    showProblems(state.problems);
    if (state.cable !== null) {
      showCable(state.cable);
    }
    $("cable-note").textContent =
      state.cable === null ? "The file as typed cannot be printed yet; the problems say why." : state.summary;
    for (const [id, ops] of Object.entries(state.diffs || {})) {
      const entry = byId.get(id);
      const shown = entry && entry.box.querySelector(".diff");
      if (shown) {
        showDiff(shown, ops);
      }
    }
    document.body.dataset.state = "ready";
  }

  function showCable(body) {
    if (!shadow.querySelector("link")) {
      const cableStyle = element("link", { rel: "stylesheet", href: "cable.css" + query });
      const ownStyle = element("link", { rel: "stylesheet", href: "edit.css" + query });
      shadow.append(cableStyle, ownStyle, element("div", { class: "cable" }));
    }
    const parsed = document.createElement("template");
    parsed.innerHTML = body;
    shadow.querySelector(".cable").replaceChildren(parsed.content);
  }

  function words(p) {
    return (p.place ? p.place + ": " : "") + p.text;
  }

  // What validate says, its command (the one that fixes it) set small after it.
  function said(p, prefix) {
    const parts = [document.createTextNode(prefix + words(p))];
    if (p.command) {
      parts.push(document.createTextNode(" "), element("code", { class: "command" }, p.command));
    }
    return parts;
  }

  function showProblems(problems) {
    const mine = new Map();
    problems.forEach((p) => {
      if (byId.has(p.field)) {
        mine.set(p.field, [...(mine.get(p.field) || []), p]);
      }
    });
    byId.forEach((entry, id) => {
      const list = mine.get(id) || [];
      const prefixes = list.map((p) => (p.severity === "error" ? "Error: " : "Warning: "));
      const texts = list.map((p, i) => said(p, prefixes[i]).map((node) => node.textContent).join(""));
      if (!same(texts, Array.from(entry.problems.children).map((li) => li.textContent))) {
        const items = list.map((p, i) => {
          const li = element("li", { class: p.severity });
          li.append(...said(p, prefixes[i]));
          return li;
        });
        entry.problems.replaceChildren(...items); // only when changed: a live region says only what is new
      }
      entry.box.classList.toggle("has-error", list.some((p) => p.severity === "error"));
      const invalid = entry.control && entry.control.tagName !== "DIV" ? entry.control : null;
      if (invalid) {
        invalid.setAttribute("aria-invalid", list.some((p) => p.severity === "error") ? "true" : "false");
      }
    });
    const groups = [];
    for (const [severity, title] of [["error", "Errors"], ["warning", "Warnings"]]) {
      const these = problems.filter((p) => p.severity === severity);
      if (these.length) {
        const ol = element("ol", { class: severity });
        these.forEach((p) => ol.append(problemItem(p)));
        groups.push(element("h3", { class: severity }, title + " (" + these.length + ")"), ol);
      }
    }
    $("problem-list").replaceChildren(...groups);
    $("problems-none").hidden = problems.length > 0;
  }

  function problemItem(p) {
    const item = element("li");
    const entry = byId.get(p.field);
    if (!entry) {
      item.append(...said(p, ""), p.detail ? " (" + p.detail + ")" : "");
      return item;
    }
    const jump = element("button", { type: "button", class: "jump" });
    jump.append(...said(p, ""));
    jump.addEventListener("click", () => {
      if (document.body.classList.contains("only-review")) {
        $("review-only").click();
      }
      const target = entry.box.querySelector("textarea, input, select");
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
    item.append(jump);
    return item;
  }

  // ---- saving ----
  async function save() {
    if (saving) {
      return;
    }
    saving = true;
    clearTimeout(timer);
    const sent = Object.assign({}, pending);
    say("Saving...");
    try {
      const answer = await call("save", { digest: page.digest, values: sent });
      if (answer.status === 200) {
        saved(answer.data, sent);
      } else if (answer.status === 409 && answer.data.conflict) {
        ask(answer.data);
      } else {
        say("Not saved: " + answer.data.error, true);
      }
    } catch (error) {
      say("Not saved: tipdraft edit is not answering (is it still running?). Your typing is kept in this browser.", true);
    } finally {
      saving = false;
    }
  }

  function saved(data, sent) {
    const typedMeanwhile = {};
    for (const [id, value] of Object.entries(pending)) {
      if (!same(sent[id], value)) {
        typedMeanwhile[id] = value;
      }
    }
    localStorage.removeItem(storageKey());
    page.digest = data.digest;
    page.fields = data.fields;
    build(data.fields, typedMeanwhile);
    keep();
    const merged = data.merged.length ? " Merged the changes made in the file meanwhile: " + data.merged.join(", ") + "." : "";
    say("Saved at " + new Date().toLocaleTimeString() + "." + merged);
    check();
  }

  function ask(data) {
    const list = $("conflict-list");
    list.replaceChildren();
    data.conflict.forEach((c, index) => {
      const group = element("fieldset", { class: "choice" });
      group.append(element("legend", {}, c.label));
      // A field the file no longer has (marked reviewed elsewhere, an answer split): what was
      // typed is shown to copy, and only the file as it is now can be kept.
      const mine = c.gone ? "What you typed (the file no longer has this field: copy it from here if you need it)" : "Keep what you typed";
      const theirs = c.gone ? "Keep the file as it is now" : "Take what the file has now";
      for (const [which, text, value] of [["mine", mine, c.mine], ["theirs", theirs, c.theirs]]) {
        const id = "conflict-" + index + "-" + which;
        const radio = element("input", { type: "radio", name: "conflict-" + index, id: id, value: which });
        radio.checked = which === (c.gone ? "theirs" : "mine");
        radio.disabled = c.gone && which === "mine";
        const label = element("label", { for: id }, text);
        const shown = element("pre", { class: "conflict-text" }, shownValue(value, c.gone && which === "theirs"));
        group.append(radio, label, shown);
      }
      list.append(group);
    });
    $("conflict").hidden = false;
    $("conflict").dataset.digest = data.digest;
    $("conflict").dataset.fields = JSON.stringify(data.fields);
    $("conflict").dataset.conflict = JSON.stringify(data.conflict);
    say("Not saved yet: the file was changed elsewhere; choose below what to keep.", true);
    $("conflict-save").focus();
  }

  function shownValue(value, gone) {
    // A value as the drafter reads it in the dialog: lines, a yes or no in words.
    if (gone) {
      return "(the file no longer has this field)";
    }
    if (typeof value === "boolean") {
      return value ? "Marked reviewed" : "Not marked reviewed";
    }
    return Array.isArray(value) ? value.join("\n") : String(value);
  }

  function resolve() {
    const box = $("conflict");
    const conflict = JSON.parse(box.dataset.conflict);
    const typed = Object.assign({}, pending);
    conflict.forEach((c, index) => {
      if (document.querySelector("input[name='conflict-" + index + "']:checked").value === "theirs") {
        delete typed[c.id];
      }
    });
    localStorage.removeItem(storageKey());
    page.digest = box.dataset.digest;
    page.fields = JSON.parse(box.dataset.fields);
    build(page.fields, typed);
    keep();
    box.hidden = true;
    save();
  }

  // ---- typing kept in the browser, offered back ----
  function offerBack() {
    const prefix = "tipdraft-edit:" + page.key + ":";
    const found = [];
    for (let i = 0; i < localStorage.length; i++) {
      const name = localStorage.key(i);
      if (name && name.startsWith(prefix)) {
        try {
          found.push([name, JSON.parse(localStorage.getItem(name))]);
        } catch (error) {
          localStorage.removeItem(name);
        }
      }
    }
    found.sort((a, b) => (a[1].at < b[1].at ? 1 : -1));
    if (!found.length || !Object.keys(found[0][1].values || {}).length) {
      return;
    }
    const [name, kept] = found[0];
    const count = Object.keys(kept.values).length;
    const older = name !== storageKey() ? " It was typed in an earlier version of the file: what you restore replaces those fields." : "";
    $("recover-text").textContent =
      count + " field(s) typed at " + new Date(kept.at).toLocaleString() + " were not saved." + older;
    $("recover").hidden = false;
    $("recover-yes").onclick = () => {
      build(page.fields, kept.values);
      found.forEach(([old]) => localStorage.removeItem(old));
      keep();
      $("recover").hidden = true;
      say("Restored " + count + " field(s): not saved yet.");
      check();
    };
    $("recover-no").onclick = () => {
      found.forEach(([old]) => localStorage.removeItem(old));
      $("recover").hidden = true;
      say("Discarded the unsaved typing.");
    };
    $("recover-yes").focus();
  }

  // ---- start ----
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });
  $("save").addEventListener("click", save);
  $("conflict-save").addEventListener("click", resolve);
  $("review-next").addEventListener("click", () => step(true));
  $("review-prev").addEventListener("click", () => step(false));
  $("review-only").addEventListener("change", (event) => document.body.classList.toggle("only-review", event.target.checked));

  call("form.json")
    .then((answer) => {
      if (answer.status !== 200) {
        say(answer.data.error, true);
        return;
      }
      page = answer.data;
      build(page.fields, {});
      say("Loaded " + page.name + ". Changes are checked as you type; Save (or Ctrl-S) writes the file.");
      offerBack();
      check();
    })
    .catch(() => say("Cannot reach tipdraft edit: is it still running?", true));
})();

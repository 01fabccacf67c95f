// eip712kit signature debugger: draws what the local server computes.
//
// Nothing is hashed, encoded or recovered here: every value comes from POST /debug/api/inspect
// (the trace of `eip712kit hash --trace`, the recovered signer) and POST /debug/api/diagnose (the
// doctor). This script reads the inputs, keeps them in the URL fragment, and builds the DOM with
// textContent only (a shared link is someone else's input: nothing from it becomes markup).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const inputs = { doc: $("doc"), sig: $("sig"), expect: $("expect") };
  // eip712kit.base.secrets' HEX_KEY and MNEMONIC_WORDS, whole (tests/test_adapter_hostile.py holds them equal):
  // a key in any spelling (0x, 0X, none; any case), a phrase in any capitalisation, by spaces or commas.
  const KEY_SHAPE = /^(0[xX])?[0-9a-fA-F]{64}$/;
  const WORDS_SHAPE = /^[A-Za-z]{3,8}((\s*,\s*|\s+)[A-Za-z]{3,8}){11,23}$/;
  const secretShaped = (text) => {
    const bare = text.trim().replace(/^["']+|["']+$/g, "").trim();
    return KEY_SHAPE.test(bare) || WORDS_SHAPE.test(bare);
  };
  const DEBOUNCE_MS = 250;

  // --- small DOM helpers ------------------------------------------------------------------------

  // Characters a page does not draw as themselves — controls, bidi embeddings, overrides and isolates,
  // zero-width characters, line and paragraph separators, lone surrogates — are shown as escapes
  // (\x1b, \u202e), so a string in a document cannot hide or reorder what is around it. The
  // categories are eip712kit.protocols.trust's UNSEEN_CATEGORIES (tests/test_trust_display.py holds
  // the two together); the escapes are trust.visible's.
  const UNSEEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
  const NAMED_ESCAPES = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

  function visible(text) {
    return String(text).replace(UNSEEN, (c) => {
      if (NAMED_ESCAPES[c]) return NAMED_ESCAPES[c];
      const code = c.codePointAt(0), hex = code.toString(16);
      if (code < 0x100) return "\\x" + hex.padStart(2, "0");
      return code < 0x10000 ? "\\u" + hex.padStart(4, "0") : "\\U" + hex.padStart(8, "0");
    });
  }

  // Every text the page draws passes visible(); data-* values (what Copy copies, what a path finds) stay exact.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name === "text") node.textContent = visible(value);
      else node.setAttribute(name, value === true ? "" : name === "title" || name.startsWith("aria-")
        ? visible(value) : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(visible(child)));
    }
    return node;
  }

  function copyButton(value, what) {
    return el("button", { type: "button", className: "copy", "aria-label": "Copy " + what, title: "Copy " + what,
      dataset: { copy: value } }, "Copy");
  }

  // A labelled value: "digest 0x… [Copy]". Hex values break anywhere so they fit a phone.
  function valueRow(label, value, what, extra) {
    return el("div", { className: "kv" },
      el("span", { className: "k" }, label),
      el("code", { className: "v", dataset: extra || {} }, value),
      copyButton(value, what || label));
  }

  // A value as JSON writes it: strings quoted, so "1" and 1 look different; every unseen character as
  // its JSON escape (\u009b, \u202e), exactly as eip712kit.protocols.trust.dumps writes it.
  function shown(value) {
    return JSON.stringify(value).replace(UNSEEN, (c) => c === "\n" ? c
      : Array.from({ length: c.length }, (_, i) => "\\u" + c.charCodeAt(i).toString(16).padStart(4, "0")).join(""));
  }

  async function copy(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {  // no clipboard API (an insecure context or a refused permission): select and copy
      const area = el("textarea", { className: "offscreen", readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    const before = button.textContent;
    button.textContent = "Copied";
    setStatus("Copied to the clipboard.");
    setTimeout(() => { button.textContent = before; }, 1200);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copy");
    if (button) copy(button.dataset.copy, button);
  });

  function setStatus(text) { $("status").textContent = visible(text); }

  // --- the URL fragment: #doc=…&sig=…&expect=…, each base64url of JSON text in UTF-8 ----------------

  function toBase64Url(text) {
    const bytes = new TextEncoder().encode(text);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64Url(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  }

  function readFragment() {
    const state = {};
    const hash = location.hash.replace(/^#/, "");
    for (const part of hash.split("&")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const name = part.slice(0, eq), raw = part.slice(eq + 1);
      if (!["doc", "sig", "expect"].includes(name)) continue;
      try {
        if (name !== "doc" && /^0x/i.test(raw)) { state[name] = decodeURIComponent(raw); continue; }
        const text = fromBase64Url(decodeURIComponent(raw));
        const value = name === "doc" ? text : JSON.parse(text);
        state[name] = typeof value === "string" ? value : JSON.stringify(value);
      } catch (_) {
        showWarning("The link's " + name + " is not base64url-encoded JSON; it was left out.");
      }
    }
    return state;
  }

  function writeFragment(state) {
    const parts = [];
    if (state.doc) parts.push("doc=" + toBase64Url(state.doc));
    if (state.sig) parts.push("sig=" + toBase64Url(JSON.stringify(state.sig)));
    if (state.expect) parts.push("expect=" + toBase64Url(JSON.stringify(state.expect)));
    const hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash) history.replaceState(null, "", location.pathname + location.search + hash);
  }

  // --- the state and the requests ---------------------------------------------------------------

  function showWarning(text) {
    const box = $("input-warning");
    box.textContent = visible(text || "");
    box.hidden = !text;
  }

  // A key or a phrase pasted where the signature goes is neither sent nor kept in the link.
  function currentState() {
    const state = { doc: inputs.doc.value, sig: inputs.sig.value.trim(), expect: inputs.expect.value.trim() };
    const secret = ["sig", "expect"].filter((name) => secretShaped(state[name]));
    for (const name of secret) state[name] = "";
    state.secretShaped = secret.length > 0;
    showWarning(secret.length ? "The " + (secret.includes("sig") ? "signature" : "expected signer") + " field " +
      "holds the shape of a private key or a mnemonic phrase. It was not sent anywhere and is not kept in the " +
      "link. This page never needs a key: clear the field." : "");
    return state;
  }

  async function post(path, body, signal) {
    const response = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      signal, credentials: "same-origin", cache: "no-store", referrerPolicy: "no-referrer",
    });
    let data;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!data || typeof data !== "object") {
      data = { ok: false, error: { code: "INTERNAL", message: "the server answered " + response.status + " without JSON" } };
    }
    return data;
  }

  let timer = null, inspectController = null, generation = 0;
  let doctorRunning = false, doctorWanted = null;

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  async function run() {
    const state = currentState();
    writeFragment(state);
    const mine = ++generation;
    if (inspectController) inspectController.abort();
    if (!state.doc.trim()) {
      clearResults();
      document.body.dataset.state = "empty";
      setStatus(state.secretShaped ? "" : "Paste a typed-data document, or choose a vector.");
      return;
    }
    inspectController = new AbortController();
    document.body.dataset.state = "busy";
    setStatus("Computing…");
    const body = { document: state.doc };
    if (state.sig) body.signature = state.sig;
    if (state.expect) body.expect = state.expect;
    let data;
    try {
      data = await post("/debug/api/inspect", body, inspectController.signal);
    } catch (err) {
      if (err.name === "AbortError") return;
      data = { ok: false, error: { code: "NETWORK_ERROR", message: "the local eip712kit server did not answer " +
        "(is it still running?)" } };
    }
    if (mine !== generation) return;
    if (!data.ok) {
      renderError(data.error, state.doc);
      document.body.dataset.state = "error";
      return;
    }
    renderInspection(data);
    document.body.dataset.state = "ready";
    setStatus("Computed from the document as shown.");
    const doctorReady = data.recovered && !data.recovered.error && data.expected && !data.expected.error;
    if (doctorReady) askDoctor(body, mine);
    else renderDoctor(null);
  }

  // One doctor search at a time: it may take seconds. The newest state waits for the running one.
  async function askDoctor(body, mine) {
    if (doctorRunning) { doctorWanted = { body, mine }; return; }
    doctorRunning = true;
    document.body.dataset.doctor = "busy";
    renderDoctorBusy();
    let data;
    try {
      data = await post("/debug/api/diagnose", body);
    } catch (_) {
      data = { ok: false, error: { code: "NETWORK_ERROR", message: "the local eip712kit server did not answer" } };
    }
    doctorRunning = false;
    if (doctorWanted) {
      const next = doctorWanted;
      doctorWanted = null;
      if (next.mine === generation) { askDoctor(next.body, next.mine); return; }
    }
    if (mine !== generation) return;
    renderDoctor(data);
    document.body.dataset.doctor = "done";
  }

  // --- rendering --------------------------------------------------------------------------------

  function clearResults() {
    for (const id of ["error", "summary", "doctor", "trees"]) $(id).hidden = true;
    for (const id of ["error", "summary", "doctor", "message-tree", "domain-tree", "types"]) $(id).replaceChildren();
    delete document.body.dataset.doctor;
  }

  function errorLine(error) {
    return el("p", { className: "error-line" },
      error.path ? el("code", { className: "path" }, error.path) : null,
      error.path ? ": " : "",
      el("span", { className: "message" }, error.message),
      " ", el("code", { className: "code" }, "[" + error.code + "]"));
  }

  function renderError(error, text) {
    clearResults();
    const box = $("error");
    box.dataset.code = error.code;
    box.dataset.path = error.path || "";
    const where = locate(text, error);
    box.append(el("h3", {}, "The document is not valid typed data"), errorLine(error));
    if (where) {
      const show = el("button", { type: "button", id: "show-error" }, "Show it in the document");
      show.addEventListener("click", () => {
        inputs.doc.focus();
        inputs.doc.setSelectionRange(where[0], where[1]);
      });
      box.append(show);
    }
    box.hidden = false;
    setStatus("Not valid typed data: " + error.code + (error.path ? " at " + error.path : "") + ".");
  }

  function renderInspection(data) {
    clearResults();
    const trace = data.trace;
    const summary = $("summary");
    summary.append(
      el("h3", {}, "Digest"),
      valueRow("digest", trace.digest, "the digest", { role: "digest" }),
      el("p", { className: "formula" }, trace.structHash === null
        ? "= keccak256(0x1901 ‖ domainSeparator)   (primaryType EIP712Domain: no message hash)"
        : "= keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))"),
      valueRow("domainSeparator", trace.domainSeparator, "the domain separator", { role: "domain-separator" }),
      trace.structHash === null ? null
        : valueRow("hashStruct(message)", trace.structHash, "the message's struct hash", { role: "struct-hash" }),
    );
    summary.append(signerBlock(data));
    summary.hidden = false;

    // A small document is drawn fully open; a large one opens at its first level (the rest a click away).
    openAll = countNodes(trace.domain) + (trace.message ? countNodes(trace.message) : 0) <= OPEN_ALL_NODES;
    const messageTree = $("message-tree");
    if (trace.message) messageTree.append(structNode("message", trace.primaryType, trace.message, "message", true));
    else messageTree.append(el("p", {}, "primaryType is EIP712Domain: only the domain is signed."));
    $("domain-tree").append(structNode("domain", "EIP712Domain", trace.domain, "domain", true));
    $("types").append(typeGraph(trace));
    $("trees").hidden = false;
  }

  function signerBlock(data) {
    const block = el("div", { className: "signer" });
    if (data.recovered) {
      if (data.recovered.error) block.append(errorLine(data.recovered.error));
      else {
        block.append(valueRow("recovered signer", data.recovered.signer, "the recovered signer", { role: "signer" }));
        const p = data.recovered.parts;
        block.append(el("details", { className: "parts" }, el("summary", {}, "signature parts (r, s, v)"),
          valueRow("r", p.r, "r"), valueRow("s", p.s, "s"), valueRow("v", String(p.v), "v"),
          p.compact ? valueRow("compact (EIP-2098)", p.compact, "the compact form") : null,
          p.highS ? el("p", { className: "warning" }, "s is high (EIP-2): verifiers refuse this form.") : null));
      }
    }
    if (data.expected && data.expected.error) block.append(errorLine(data.expected.error));
    const v = data.verification;
    if (v) {
      block.append(el("p", { className: "verdict " + (v.valid ? "valid" : "invalid"), id: "verdict",
        dataset: { valid: String(v.valid) } },
        v.valid ? "Valid: " + v.expected + " signed exactly this document."
                : "Invalid: " + v.reason + (v.code ? " [" + v.code + "]" : "")));
    }
    return block;
  }

  function renderDoctorBusy() {
    const box = $("doctor");
    box.replaceChildren(el("h3", {}, "Doctor"), el("p", { className: "busy" }, "Searching the usual mistakes…"));
    box.hidden = false;
  }

  function renderDoctor(data) {
    const box = $("doctor");
    box.replaceChildren();
    for (const node of document.querySelectorAll(".diff")) node.classList.remove("diff");
    for (const node of document.querySelectorAll(".signed-given")) node.remove();
    if (!data) { box.hidden = true; delete document.body.dataset.doctor; return; }
    box.append(el("h3", {}, "Doctor"));
    if (!data.ok) { box.append(errorLine(data.error)); box.hidden = false; return; }
    const d = data.diagnosis;
    box.dataset.cause = d.cause || "";
    box.dataset.field = d.field || "";
    const head = d.valid && !d.cause ? "The signature verifies for this document."
      : d.valid ? "The signature verifies, in a form strict verifiers refuse."
      : "The signature does not verify for this document.";
    box.append(el("p", { className: "verdict " + (d.valid ? "valid" : "invalid") }, head));
    if (d.cause) {
      box.append(el("p", { className: "cause" }, el("code", { id: "cause-code" }, d.cause)),
        el("p", { className: "sentence", id: "cause-sentence" }, d.sentence));
    }
    for (const finding of d.findings) {
      const rows = el("div", { className: "finding" });
      if (finding.field) rows.append(valueRow("field", finding.field, "the field"));
      if (finding.step) rows.append(el("div", { className: "kv" }, el("span", { className: "k" }, "step"),
        el("span", { className: "v" }, finding.step)));
      if (finding.signed_value !== null || finding.given_value !== null) {
        rows.append(valueRow("signed", shown(finding.signed_value), "the signed value"),
          valueRow("given", shown(finding.given_value), "the given value"));
      }
      if (finding.field) {
        const node = highlight(finding.field, finding);
        if (node) {
          const go = el("button", { type: "button", className: "go" }, "Show the field");
          go.addEventListener("click", () => { node.scrollIntoView({ block: "center" }); node.focus(); });
          rows.append(go);
        }
      }
      if (rows.childNodes.length) box.append(rows);
    }
    if (d.signed_digest && d.signed_digest !== d.digest) {
      box.append(valueRow("signed digest", d.signed_digest, "the digest that was signed"));
    }
    if (d.canonical_signature && d.canonical_signature !== d.signature && d.cause) {
      box.append(valueRow("canonical signature", d.canonical_signature, "the canonical signature"));
    }
    const search = d.search;
    box.append(el("p", { className: "search" }, "Searched " + search.candidates + " candidate digest" +
      (search.candidates === 1 ? "" : "s") + " in " + Math.round(search.elapsed_ms) + " ms" +
      (search.stopped ? " (stopped at " + search.stopped + ": incomplete, not every hypothesis was tried)"
        : d.cause === "UNEXPLAINED" ? " (complete: every hypothesis and combination was tried)" : "") + "."));
    if (search.tried.length) box.append(triedList(search.tried, d.cause === "UNEXPLAINED"));
    box.hidden = false;
  }

  // What the doctor searched, as `eip712kit doctor` lists it under "tried:": open when no cause was
  // found (the sentence above says the list follows), folded away otherwise (`doctor --tried`).
  function triedList(tried, open) {
    const items = tried.map((t) => el("li", { dataset: { name: t.name, candidates: String(t.candidates) } },
      el("code", { className: "name" }, t.name), " ",
      el("span", { className: "count" }, t.candidates + " candidate" + (t.candidates === 1 ? "" : "s")), " ",
      el("span", { className: "summary" }, t.summary)));
    const hypotheses = tried.length + " hypothes" + (tried.length === 1 ? "is" : "es");
    return el("details", { id: "tried", open },
      el("summary", {}, "What was tried: " + hypotheses + " and combinations"),
      el("ul", { className: "tried" }, items));
  }

  // The doctor's field (message.orderId, domain.chainId, types.Order[1].type …): mark the node
  // that holds it, or its nearest ancestor that is drawn, and open the tree down to it.
  function highlight(path, finding) {
    let target = null;
    for (let p = path; p && !target; p = parentPath(p)) {
      target = document.querySelector('[data-path="' + CSS.escape(p) + '"]');
    }
    if (!target) return null;
    target.classList.add("diff");
    for (let node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    const note = el("div", { className: "signed-given" },
      el("span", {}, "signed "), el("code", {}, shown(finding.signed_value)),
      el("span", {}, " · given "), el("code", {}, shown(finding.given_value)));
    if (target.tagName === "DETAILS") target.querySelector("summary").after(note);
    else target.append(note);
    return target;
  }

  function parentPath(path) {
    const m = path.match(/^(.*?)(\.[^.[\]]*|\[\d+\])$/);
    return m ? m[1] : "";
  }

  let openAll = true;
  const OPEN_ALL_NODES = 200;

  function countNodes(struct) {
    let n = 1;
    const visit = (node) => {
      n++;
      if (node.struct) n += countNodes(node.struct);
      if (node.elements) node.elements.forEach(visit);
    };
    struct.fields.forEach(visit);
    return n;
  }

  function structNode(label, typeName, struct, path, open) {
    const details = el("details", { className: "struct", dataset: { path }, open: open || openAll || null });
    details.append(el("summary", {},
      el("span", { className: "name" }, label), " ",
      el("span", { className: "type" }, typeName), " ",
      el("span", { className: "what" }, "hashStruct"), " ",
      el("code", { className: "hash", dataset: { role: "struct-hash-node", path } }, struct.hash)));
    details.append(el("div", { className: "body" },
      valueRow("hashStruct", struct.hash, "hashStruct of " + path),
      valueRow("encodeType", struct.encodeType, "encodeType of " + struct.type),
      valueRow("typeHash", struct.typeHash, "typeHash of " + struct.type),
      el("p", { className: "formula" }, "hashStruct = keccak256(typeHash ‖ " +
        (struct.fields.length ? struct.fields.map((f) => "enc(" + f.name + ")").join(" ‖ ") : "nothing") + ")"),
      el("ul", { className: "fields" }, struct.fields.map((f) => el("li", {}, valueNode(f.name, f, path + "." + f.name))))));
    return details;
  }

  function valueNode(label, node, path) {
    if (node.struct) return structNode(label, node.type, node.struct, path, false);
    if (node.elements) {
      const count = node.elements.length;
      const details = el("details", { className: "array", dataset: { path }, open: openAll || null });
      details.append(el("summary", {},
        el("span", { className: "name" }, label), " ", el("span", { className: "type" }, node.type), " ",
        el("span", { className: "what" }, count ? count + " element" + (count === 1 ? "" : "s") : "empty"), " ",
        el("code", { className: "hash" }, node.word)));
      details.append(el("div", { className: "body" },
        valueRow("word", node.word, "the word of " + path),
        el("p", { className: "formula" }, count ? "word = keccak256(enc([0]) ‖ … ‖ enc([" + (count - 1) + "]))"
          : "word = keccak256(nothing): an empty array"),
        el("ul", { className: "fields" },
          node.elements.map((e, i) => el("li", {}, valueNode("[" + i + "]", e, path + "[" + i + "]"))))));
      return details;
    }
    return el("div", { className: "atom", dataset: { path }, tabindex: "-1" },
      el("div", { className: "atom-head" },
        el("span", { className: "name" }, label), " ", el("span", { className: "type" }, node.type)),
      valueRow("value", shown(node.value), "the value of " + path),
      valueRow("word", node.word, "the word of " + path, { role: "word" }));
  }

  function typeGraph(trace) {
    const names = Object.keys(trace.types);
    const list = el("ul", { className: "types" });
    for (const name of names) {
      const t = trace.types[name];
      // The structs a type string pulls in after its own: "Mail(…)Person(…)" uses Person.
      const uses = [...t.encodeType.matchAll(/\)([A-Za-z_$][A-Za-z0-9_$]*)\(/g)].map((m) => m[1]);
      list.append(el("li", { className: "type-entry", dataset: { path: "types." + name }, tabindex: "-1" },
        el("div", { className: "atom-head" }, el("span", { className: "type-name" }, name),
          name === trace.primaryType ? el("span", { className: "badge" }, "primaryType") : null,
          uses.length ? el("span", { className: "uses" }, "uses " + uses.join(", ")) : null),
        valueRow("encodeType", t.encodeType, "encodeType of " + name),
        valueRow("typeHash", t.typeHash, "typeHash of " + name, { role: "type-hash", type: name })));
    }
    return list;
  }

  // --- where a JSON path sits in the text (to select it for the user) ----------------------------

  function locate(text, error) {
    const lineCol = /at line (\d+) column (\d+)/.exec(error.message || "");
    if (error.code === "INVALID_JSON" && lineCol) {
      const lines = text.split("\n").slice(0, Number(lineCol[1]) - 1);
      const at = lines.reduce((n, l) => n + l.length + 1, 0) + Number(lineCol[2]) - 1;
      return [at, Math.min(at + 1, text.length)];
    }
    if (!error.path) return null;
    let spans;
    try { spans = spansOf(text); } catch (_) { return null; }
    for (let p = error.path; p; p = parentPath(p)) if (spans.has(p)) return spans.get(p);
    return null;
  }

  // Path -> [start, end) of each value, in the kit's path syntax (message.legs[2].amount).
  function spansOf(text) {
    const spans = new Map();
    let i = 0;
    const ws = () => { while (i < text.length && " \t\r\n".includes(text[i])) i++; };
    const str = () => {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i));
    };
    // The members of an object or the elements of an array, each at its own path.
    const members = (close, pathOf) => {
      i++;
      let index = 0;
      for (ws(); text[i] !== close; ws()) {
        if (close === "}") {
          const key = str();
          ws(); i++;  // ':'
          value(pathOf(key));
        } else {
          value(pathOf(index++));
        }
        ws();
        if (text[i] === ",") i++;
        if (i >= text.length) throw new Error("unterminated");
      }
      i++;
    };
    const value = (path) => {
      ws();
      const start = i;
      if (text[i] === "{") members("}", (key) => (path ? path + "." + key : key));
      else if (text[i] === "[") members("]", (index) => path + "[" + index + "]");
      else if (text[i] === '"') str();
      else while (i < text.length && !",]} \t\r\n".includes(text[i])) i++;
      if (path) spans.set(path, [start, i]);
    };
    value("");
    return spans;
  }

  // --- inputs -----------------------------------------------------------------------------------

  for (const input of Object.values(inputs)) input.addEventListener("input", schedule);

  $("format").addEventListener("click", () => {
    try {
      // Indent without re-reading numbers: JSON.parse would round integers beyond 2**53.
      inputs.doc.value = indent(inputs.doc.value);
      schedule();
    } catch (_) {
      setStatus("The document is not JSON yet, so it cannot be indented.");
    }
  });

  function indent(text) {
    spansOf(text);  // throws on text that is not JSON-shaped
    let out = "", depth = 0, inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        out += c;
        if (c === "\\") out += text[++i];
        else if (c === '"') inString = false;
      } else if (c === '"') { out += c; inString = true; }
      else if (c === "{" || c === "[") {
        const close = c === "{" ? "}" : "]";
        let j = i + 1;
        while (" \t\r\n".includes(text[j])) j++;
        if (text[j] === close) { out += c + close; i = j; continue; }
        out += c + "\n" + "  ".repeat(++depth);
      } else if (c === "}" || c === "]") out += "\n" + "  ".repeat(--depth) + c;
      else if (c === ",") out += ",\n" + "  ".repeat(depth);
      else if (c === ":") out += ": ";
      else if (!" \t\r\n".includes(c)) out += c;
    }
    return out;
  }

  $("clear").addEventListener("click", () => {
    inputs.doc.value = inputs.sig.value = inputs.expect.value = "";
    $("example").value = "";
    schedule();
    inputs.doc.focus();
  });

  $("copy-link").addEventListener("click", (event) => {
    writeFragment(currentState());
    copy(location.href, event.currentTarget);
  });

  function readFile(file) {
    if (!file) return;
    if (file.size > 1000000) { setStatus("The file is over 1,000,000 bytes, the CLI's document limit."); return; }
    file.text().then((text) => { inputs.doc.value = text; $("example").value = ""; schedule(); });
  }

  $("file").addEventListener("change", (event) => readFile(event.target.files[0]));
  for (const type of ["dragenter", "dragover"]) {
    inputs.doc.addEventListener(type, (event) => { event.preventDefault(); inputs.doc.classList.add("dropping"); });
  }
  inputs.doc.addEventListener("dragleave", () => inputs.doc.classList.remove("dropping"));
  inputs.doc.addEventListener("drop", (event) => {
    inputs.doc.classList.remove("dropping");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      event.preventDefault();
      readFile(event.dataTransfer.files[0]);
    }
  });

  // --- examples: the bundled golden vectors -----------------------------------------------------

  async function loadExamples() {
    let data;
    try {
      data = await (await fetch("/debug/api/examples", { cache: "no-store" })).json();
    } catch (_) { return; }
    const select = $("example");
    const groups = new Map();
    for (const example of data.examples) {
      if (!groups.has(example.group)) groups.set(example.group, el("optgroup", { label: example.group }));
      groups.get(example.group).append(el("option", { value: example.id, title: example.description }, example.id));
    }
    select.append(...groups.values());
  }

  $("example").addEventListener("change", async (event) => {
    const id = event.target.value;
    if (!id) return;
    const data = await (await fetch("/debug/api/example?id=" + encodeURIComponent(id), { cache: "no-store" })).json();
    if (!data.document) return;
    inputs.doc.value = data.document;
    inputs.sig.value = data.signature || "";
    inputs.expect.value = data.expect || "";
    run();
  });

  function loadFragment() {
    const state = readFragment();
    if (state.doc === undefined && state.sig === undefined && state.expect === undefined) return false;
    inputs.doc.value = state.doc || "";
    inputs.sig.value = state.sig || "";
    inputs.expect.value = state.expect || "";
    return true;
  }

  window.addEventListener("hashchange", () => { if (loadFragment()) run(); });

  loadExamples();
  if (loadFragment()) run();
})();

// glassgrad's gradient explorer: the interaction of the page that autograd/explorer.py writes.
//
// The page holds the graph as Graphviz drew it: an inline <svg> whose Value boxes carry data-index,
// data-value and data-label, and whose op ellipses carry data-op-of (the index of the Value they make).
// A JSON block holds the numbers of one backward pass, the Values in topological order (the root last):
//   values[i]  {name, label, op, data, grad, batch, parents}
//   steps[k]   {node, upstream, edges: [[parent, local, localText, contributionText]],
//               grads: [[parent, gradText, fill, ink]]}: what step k + 1 sends, and the boxes it fills
//   start      [gradText, fill, ink] of the root's box before any step; unknown: [fill, ink] of a box
//              not computed yet
//   fold       start with the innermost scopes (the neurons) folded: a big graph
//   forward    only on a page given tangents: the forward pass along them (see "the forward pass" below)
//     tangent[i] Value i's tangent (text; null: it depends on no seeded Value, so 0); box[i] as its
//                box shows it, [text, fill, ink]; seeded: the Values given a tangent
//     steps[f]   {node, terms: [[input, localText, tangentText, termText]]}: what step f + 1 computes
//                (null texts: an input that carries no tangent)
//     same       {terms: [[seed, gradText, tangentText, productText]], sum, root}: the root's derivative
//                along the seeds, by the backward pass (sum of grad × tangent) and by the forward one
// Plain JavaScript, no framework; nothing is loaded from the network.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($("explorer-data").textContent);
  const pane = $("graph");
  const svg = pane.querySelector("svg");
  const layer = svg.querySelector("g.graph"); // what Graphviz draws in; it carries a transform
  const inspector = $("inspector");
  const stepInput = $("step");
  const search = $("search");
  const values = data.values;
  const root = values.length - 1;
  // One step control for both passes: with tangents, positions 0..F are the forward pass (F steps), and
  // the backward pass's steps follow from F + 1 (its step 0) on; without, the backward pass alone.
  const forward = data.forward;
  const ahead = forward ? forward.steps.length + 1 : 0;
  const last = ahead + data.steps.length;
  const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
  const esc = (s) =>
    String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

  // ------------------------------------------------------------------ numbers
  // A number, or a batch of them (one per sample); nan and the infinities come as strings.
  const num = (x) => (Array.isArray(x) ? x.map(Number) : Number(x));
  function zipWith(a, b, f) {
    if (!Array.isArray(a) && !Array.isArray(b)) return f(a, b);
    const at = (x, i) => (Array.isArray(x) ? x[i] : x);
    return Array.from({ length: Array.isArray(a) ? a.length : b.length }, (_, i) => f(at(a, i), at(b, i)));
  }
  const mul = (a, b) => zipWith(a, b, (x, y) => x * y);
  const add = (a, b) => zipWith(a, b, (x, y) => x + y);
  const total = (x) => (Array.isArray(x) ? x.reduce((s, e) => s + e, 0) : x);
  // Python's format(x, ".6g"); a batch as its mean and size (as autograd.explain.format_number).
  function fmt(x) {
    if (Array.isArray(x)) return `mean ${fmt(total(x) / x.length)} of ${x.length}`;
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return Object.is(x, -0) ? "-0" : "0";
    const [mantissa, e] = x.toExponential(5).split("e");
    const exp = Number(e);
    const strip = (s) => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);
    if (exp < -4 || exp >= 6) {
      return `${strip(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    }
    return strip(x.toFixed(5 - exp));
  }

  // ------------------------------------------------------------------ the drawing's elements
  const box = []; // box[i]: Value i's box, if drawn
  const opNode = []; // opNode[i]: the ellipse of the op that made Value i
  for (const g of svg.querySelectorAll("[data-index]")) box[+g.dataset.index] = g;
  for (const g of svg.querySelectorAll("[data-op-of]")) opNode[+g.dataset.opOf] = g;
  // Every node by its Graphviz name (its <title>), and every edge between two of them ("a->b").
  const nodes = [...svg.querySelectorAll("g.node")];
  const nameOf = new Map(nodes.map((g) => [g, g.querySelector("title").textContent]));
  const byName = new Map(nodes.map((g) => [nameOf.get(g), g]));
  const edges = [...svg.querySelectorAll("g.edge")].map((g) => {
    const [tail, head] = g.querySelector("title").textContent.split("->");
    return { g, tail: byName.get(tail), head: byName.get(head) };
  });
  const edgeBetween = new Map(edges.map((e) => [`${nameOf.get(e.tail)}->${nameOf.get(e.head)}`, e.g]));
  for (const g of svg.querySelectorAll("title")) g.remove(); // they would show as tooltips of Graphviz names

  // Who uses each Value: its consumers, with the chain rule's numbers for each use.
  const uses = values.map(() => []);
  for (const step of data.steps) {
    for (const [parent, local, localText, sent] of step.edges) {
      uses[parent].push({ consumer: step.node, local: num(local), localText, upstream: step.upstream, sent });
    }
  }

  // ------------------------------------------------------------------ scopes: fold and unfold
  // Graphviz draws a scope as a cluster, a titled rectangle: its members are the nodes inside the
  // rectangle, and a scope inside another's rectangle is nested in it. A folded scope hides its members
  // and shows one box in their place. A cluster with no Value in it is the legend: it moves to the bar,
  // so that the graph alone fits the width.
  const SVG_NS = "http://www.w3.org/2000/svg";
  function make(tag, attrs, text) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  }
  const within = (r, p) => p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
  const contains = (r, q) => within(r, q) && within(r, { x: q.x + q.width, y: q.y + q.height });
  const area = (r) => r.width * r.height;
  const middle = new Map(nodes.map((g) => {
    const b = g.getBBox();
    return [g, { x: b.x + b.width / 2, y: b.y + b.height / 2 }];
  }));

  let legendName = null; // the legend's title: what the fills show, a box's gradient (or its tangent)
  const scopes = [];
  for (const g of svg.querySelectorAll("g.cluster")) {
    const shape = g.querySelector("path, polygon");
    const title = g.querySelector("text");
    if (!shape || !title) continue;
    const rect = shape.getBBox();
    const members = nodes.filter((n) => within(rect, middle.get(n)));
    const count = members.filter((n) => n.dataset.index !== undefined).length;
    if (count) scopes.push({ g, rect, title, name: title.textContent, members, count, folded: false });
    else legend(g, members);
  }
  scopes.sort((a, b) => area(b.rect) - area(a.rect)); // outermost first
  const scopesOf = new Map(nodes.map((n) => [n, []])); // each node's scopes, outermost first
  for (const s of scopes) {
    // Its parent: the smallest scope around it, the last of them (outermost first).
    s.parent = scopes.filter((t) => area(t.rect) > area(s.rect) && contains(t.rect, s.rect)).pop();
    if (s.parent) s.parent.hasInner = true;
    for (const n of s.members) scopesOf.get(n).push(s);
    s.title.classList.add("scope-title");
    s.title.setAttribute("tabindex", "0");
    s.title.setAttribute("role", "button");
    s.title.setAttribute("aria-label", `Fold ${s.name}`);
    s.title.textContent = `▾ ${s.name}`;
  }
  const folds = make("g", { class: "folds" }); // the folded boxes, drawn over everything else
  layer.append(folds);

  // The legend's swatches, as HTML in the bar; the cluster goes.
  function legend(cluster, swatches) {
    const bar = $("legend");
    legendName = bar.appendChild(document.createTextNode(cluster.querySelector("text").textContent));
    swatches.sort((a, b) => middle.get(a).x - middle.get(b).x);
    for (const n of swatches) {
      const swatch = document.createElement("span");
      swatch.textContent = n.querySelector("text")?.textContent ?? "";
      swatch.style.background = n.querySelector("polygon, path")?.getAttribute("fill") ?? "none";
      swatch.style.color = n.querySelector("text")?.getAttribute("fill") ?? "black";
      bar.append(swatch);
      n.classList.add("hidden");
    }
    for (const e of edges) {
      if (swatches.includes(e.tail) || swatches.includes(e.head)) e.g.classList.add("hidden");
    }
    cluster.classList.add("hidden");
  }

  // The box a folded scope shows: its name, and how many Values it holds.
  function foldBox(s) {
    if (s.box) return s.box;
    const { x, y, width, height } = s.rect;
    const big = clamp(Math.min(width / (0.6 * s.name.length + 2), height / 3), 12, 40);
    const line = (dy, size, text) => {
      const at = { x: x + width / 2, y: y + height / 2 + dy };
      return make("text", { ...at, "text-anchor": "middle", "font-size": size }, text);
    };
    s.box = make("g", { class: "fold", tabindex: "0", role: "button", "aria-label": `Unfold ${s.name}` });
    s.box.append(
      make("rect", { x, y, width, height, rx: 6 }),
      line(0, big, `▸ ${s.name}`),
      line(big * 0.95, big * 0.55, `${s.count} Values · click to unfold`),
    );
    s.box.scope = s;
    folds.append(s.box);
    return s.box;
  }

  // The outermost folded scope around a node, which hides it (or undefined).
  const foldOf = (n) => (n ? scopesOf.get(n).find((s) => s.folded) : undefined);
  function refold() {
    for (const n of nodes) {
      if (scopesOf.get(n).length) n.classList.toggle("hidden", foldOf(n) !== undefined);
    }
    // An edge inside one folded box goes; an edge into a folded box ends under it.
    for (const e of edges) {
      if (!e.tail || !e.head || !(scopesOf.get(e.tail).length || scopesOf.get(e.head).length)) continue;
      const a = foldOf(e.tail);
      e.g.classList.toggle("hidden", a !== undefined && a === foldOf(e.head));
    }
    for (const s of scopes) {
      let outer = s.parent;
      while (outer && !outer.folded) outer = outer.parent;
      s.g.classList.toggle("hidden", s.folded || outer !== undefined);
      if (s.folded || s.box) foldBox(s).classList.toggle("hidden", !s.folded || outer !== undefined);
    }
    markStep();
  }
  function setFolded(s, folded) {
    s.folded = folded;
    refold();
  }

  // ------------------------------------------------------------------ pan and zoom
  // The view is the part of the drawing on screen: its top-left corner in the svg's units and its scale
  // in pixels per unit. The svg's viewBox follows it. The drawing's bounds: what Graphviz drew, without
  // its white background and the legend (see above).
  layer.querySelector(":scope > polygon")?.classList.add("hidden");
  const toSvg = layer.transform.baseVal.consolidate()?.matrix ?? new DOMMatrix();
  const bounds = (({ x, y, width, height }) => {
    const p = new DOMPoint(x - 8, y - 8).matrixTransform(toSvg);
    return { x: p.x, y: p.y, width: width + 16, height: height + 16 };
  })(layer.getBBox());
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
  const view = { x: bounds.x, y: bounds.y, scale: 1 };
  const READABLE = 0.65; // px per unit: the boxes' 11-unit text stays readable (7 px) in the first view
  const LARGEST = 1.6; // a small graph is not blown up past this in the first view
  let moved = false; // has the learner panned or zoomed? (then resizing keeps their view)

  function apply() {
    const w = pane.clientWidth;
    const h = pane.clientHeight;
    svg.setAttribute("viewBox", `${view.x} ${view.y} ${w / view.scale} ${h / view.scale}`);
  }

  // The centre of an element of the drawing, in the svg's units.
  function centre(el) {
    const b = el.getBBox();
    return new DOMPoint(b.x + b.width / 2, b.y + b.height / 2).matrixTransform(toSvg);
  }

  // Show the point p (svg units) in the middle of the view, at scale s, keeping the drawing on screen.
  function look(p, s) {
    const w = pane.clientWidth / s;
    const h = pane.clientHeight / s;
    const place = (at, size, lo, extent) =>
      size >= extent ? lo - (size - extent) / 2 : clamp(at - size / 2, lo, lo + extent - size);
    view.scale = s;
    view.x = place(p.x, w, bounds.x, bounds.width);
    view.y = place(p.y, h, bounds.y, bounds.height);
    apply();
  }

  // The first view: the drawing's width fits the pane. Where the boxes' text would get too small to read,
  // it shows the root's end at a readable size instead; unless the neurons start folded (a big graph):
  // then the whole width, where the titles of the folded boxes are large enough to read.
  const firstScale = () => {
    const s = pane.clientWidth / bounds.width;
    return Math.min(LARGEST, data.fold ? s : Math.max(s, READABLE));
  };
  function fit() {
    if (!pane.clientWidth || !pane.clientHeight) return;
    moved = false;
    const folded = foldOf(box[root]);
    const anchor = folded ? foldBox(folded) : box[root]; // the root, or the box it is folded into
    look(anchor ? centre(anchor) : new DOMPoint(bounds.x + bounds.width, 0), firstScale());
  }

  function zoom(factor, px = pane.clientWidth / 2, py = pane.clientHeight / 2) {
    const all = 0.8 * Math.min(pane.clientWidth / bounds.width, pane.clientHeight / bounds.height);
    const least = Math.min(0.5, all); // zoomed out: the whole drawing, and then some
    const s = clamp(view.scale * factor, least, 8);
    view.x += px / view.scale - px / s; // the point under (px, py) stays where it is
    view.y += py / view.scale - py / s;
    view.scale = s;
    moved = true;
    apply();
  }

  function pan(dx, dy) {
    view.x += dx / view.scale;
    view.y += dy / view.scale;
    moved = true;
    apply();
  }

  pane.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const r = pane.getBoundingClientRect();
      zoom(Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.002)), e.clientX - r.left, e.clientY - r.top);
    },
    { passive: false },
  );
  // Drag to pan. A drag ends with a click on whatever is under the pointer: that click selects nothing.
  let drag = null;
  let dragged = false;
  pane.addEventListener("pointerdown", (e) => {
    dragged = false;
    if (e.button === 0) drag = { x: e.clientX, y: e.clientY, id: e.pointerId, on: false };
  });
  pane.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.on && Math.hypot(dx, dy) < 4) return;
    if (!drag.on) {
      drag.on = true;
      pane.setPointerCapture(e.pointerId);
      pane.classList.add("dragging");
    }
    pan(-dx, -dy);
    drag.x = e.clientX;
    drag.y = e.clientY;
  });
  const endDrag = () => {
    dragged = Boolean(drag && drag.on);
    drag = null;
    pane.classList.remove("dragging");
  };
  pane.addEventListener("pointerup", endDrag);
  pane.addEventListener("pointercancel", endDrag);
  pane.addEventListener(
    "click",
    (e) => {
      if (dragged) e.stopPropagation();
      dragged = false;
    },
    true,
  );
  $("zoom-in").addEventListener("click", () => zoom(1.25));
  $("zoom-out").addEventListener("click", () => zoom(0.8));
  $("fit").addEventListener("click", fit);

  // ------------------------------------------------------------------ the passes, step by step
  const gradText = values.map((_, i) =>
    box[i] ? [...box[i].querySelectorAll("text")].find((t) => t.textContent.startsWith("grad ")) : undefined,
  );
  const unknown = ["—", ...data.unknown];
  const playButton = $("play");
  const stepInfo = $("step-info");
  const stepLabel = document.querySelector('label[for="step"]');
  const legendTitle = $("legend").title;
  let timer = null;
  let shown = []; // shown[i]: Value i's gradient (its tangent, in the forward pass) as its box shows it now
  let inForward = false; // is the step control in the forward pass?

  // Position k of the step control: [in the forward pass?, the step of that pass].
  const position = (k) => (k < ahead ? [true, k] : [false, k - ahead]);
  const bold = (i) => `<b>${esc(values[i].name)}</b>`;

  function paint(i, [text, fill, ink]) {
    if (!box[i]) return;
    box[i].querySelector("polygon, path").setAttribute("fill", fill);
    for (const t of box[i].querySelectorAll("text")) t.setAttribute("fill", ink);
    if (gradText[i]) gradText[i].textContent = `${inForward ? "tangent" : "grad"} ${text}`;
    if (shrink[i]) gradText[i].style.fontSize = inForward ? shrink[i] : "";
  }

  function showStep(k) {
    k = clamp(k, 0, last);
    stepInput.value = String(k);
    const [fwd, step] = position(k);
    if (forward) {
      inForward = fwd;
      document.body.classList.toggle("forward-pass", fwd); // the forward pass's colour
      stepLabel.textContent = fwd ? "forward step" : "backward step";
      if (legendName) legendName.textContent = fwd ? "tangent" : "grad";
      $("legend").title = fwd ? legendTitle.replace("gradient", "tangent") : legendTitle;
    }
    stepInfo.innerHTML = fwd ? forwardStep(step) : backwardStep(step);
    shown.forEach((seen, i) => paint(i, seen));
    markStep();
    if (selected !== null) describe(selected); // its gradient so far
  }

  // Step k of the backward pass: its first k steps are done; step k is the node just processed. Sets
  // what the boxes show; returns the caption.
  function backwardStep(k) {
    const steps = data.steps.length;
    shown = values.map(() => unknown);
    shown[root] = data.start;
    for (let s = 0; s < k; s++) for (const [i, ...seen] of data.steps[s].grads) shown[i] = seen;
    let text = `${forward ? "Backward step" : "Step"} ${k} of ${steps}: `;
    if (k === 0) {
      text += `the backward pass starts at ${bold(root)}, whose gradient is 1. Press → to take a step.`;
    } else {
      const step = data.steps[k - 1];
      const up = esc(step.upstream);
      const send = ([p, , local, sent]) => `${up} × ${esc(local)} = ${esc(sent)} to ${bold(p)}`;
      const sends = step.edges.slice(0, 3).map(send);
      if (step.edges.length > 3) sends.push(`… to ${step.edges.length - 3} more`);
      const op = esc(values[step.node].op);
      text += `${bold(step.node)} (${op}) has gradient ${up} and sends ${sends.join(", ")}.`;
      if (k === steps) text += " Every gradient is computed.";
    }
    return text;
  }

  // ------------------------------------------------------------------ the forward pass
  // The leaves' tangents and the seeds' are known at its step 0 (a leaf not seeded carries none: 0);
  // step f computes the tangent of the f-th Value an op makes, from its inputs' tangents.
  const madeAt = []; // madeAt[i]: the forward step that computes Value i's tangent (none: known at 0)
  if (forward) forward.steps.forEach((step, f) => (madeAt[step.node] = f + 1));
  const tangentOf = (i) => forward.tangent[i] ?? "0";
  // A box is as wide as Graphviz made it for "grad ...": a line "tangent ..." too wide for it shrinks to
  // fit (measured once, at the widest it gets: the tangent computed).
  const shrink = [];
  if (forward) {
    gradText.forEach((t, i) => t && (t.textContent = `tangent ${forward.box[i][0]}`)); // (then one layout)
    gradText.forEach((t, i) => {
      const room = t && box[i].querySelector("polygon, path").getBBox().width - 6;
      if (t && t.getComputedTextLength() > room) {
        shrink[i] = `${(Number(t.getAttribute("font-size")) * room) / t.getComputedTextLength()}px`;
      }
    });
  }

  // Step f of the forward pass: sets what the boxes show; returns the caption.
  function forwardStep(f) {
    const steps = forward.steps.length;
    shown = values.map((_, i) => (madeAt[i] > f ? unknown : forward.box[i]));
    let text = `Forward step ${f} of ${steps}: `;
    if (f === 0) {
      const seeds = forward.seeded.map((i) => `${esc(tangentOf(i))} for ${bold(i)}`);
      text += `the forward pass starts from the tangents given, ${seeds.join(", ")}; other leaves carry
        none (0). Press → to take a step.`;
    } else {
      const step = forward.steps[f - 1];
      const carried = step.terms.filter(([, , t]) => t !== null);
      const terms = carried.slice(0, 3).map(([p, local, t]) => `${esc(local)} × ${esc(t)} from ${bold(p)}`);
      if (carried.length > 3) terms.push(`… ${carried.length - 3} more`);
      const op = esc(values[step.node].op);
      text += carried.length
        ? `${bold(step.node)} (${op}) has tangent ${esc(tangentOf(step.node))} = ${terms.join(" + ")}.`
        : `${bold(step.node)} (${op}) depends on no seeded Value: it carries no tangent (0).`;
      if (f === steps) text += " Every tangent is computed; → runs the backward pass.";
    }
    return text;
  }

  // Mark the node this step processes (or, if it is folded away, the box it is folded into).
  function markStep() {
    for (const el of svg.querySelectorAll(".processing")) el.classList.remove("processing");
    const [fwd, k] = position(Number(stepInput.value));
    if (k === 0) return;
    const i = (fwd ? forward.steps : data.steps)[k - 1].node;
    const s = foldOf(box[i]);
    if (s) foldBox(s).classList.add("processing");
    for (const el of [box[i], opNode[i]]) if (el) el.classList.add("processing");
  }

  function play(on) {
    if (on === (timer !== null)) return;
    if (on) {
      if (Number(stepInput.value) >= last) showStep(0);
      timer = setInterval(() => {
        showStep(Number(stepInput.value) + 1);
        if (Number(stepInput.value) >= last) play(false);
      }, clamp(20000 / Math.max(last, 1), 60, 800)); // a long pass plays in about 20 seconds
    } else {
      clearInterval(timer);
      timer = null;
    }
    playButton.textContent = on ? "❚❚" : "▶";
    playButton.setAttribute("aria-label", on ? "Pause" : "Play");
  }
  stepInput.addEventListener("input", () => {
    play(false);
    showStep(Number(stepInput.value));
  });
  playButton.addEventListener("click", () => play(timer === null));

  // ------------------------------------------------------------------ selection: the inspector
  const MAX_PATHS = 12;
  let selected = null;

  // The paths from the root down to Value v: how many, the sum of their products of local derivatives
  // (a dynamic programme over the topological order), and the first few, found without recursion.
  function paths(v) {
    const count = new Array(values.length).fill(0);
    const sum = new Array(values.length).fill(0);
    count[root] = 1;
    sum[root] = 1;
    for (let i = root - 1; i >= v; i--) {
      for (const u of uses[i]) {
        count[i] += count[u.consumer];
        sum[i] = add(sum[i], mul(u.local, sum[u.consumer]));
      }
    }
    const listed = [];
    const stack = [{ at: v, from: null, use: null }];
    while (stack.length && listed.length < MAX_PATHS) {
      const here = stack.pop();
      if (here.at === root) {
        // The hops from the root down to v: each a consumer, and the use that leads to it from below.
        const hops = [];
        for (let h = here; h.use; h = h.from) hops.push({ node: h.at, use: h.use });
        listed.push(hops);
        continue;
      }
      for (const use of [...uses[here.at]].reverse()) stack.push({ at: use.consumer, from: here, use });
    }
    return { count: count[v], sum: sum[v], listed };
  }
  // A gradient of a Value that is one number sums over a batch's samples (as backward does).
  const asGrad = (v, x) => (values[v].batch ? x : total(x));

  // Outline the elements of one path (its hops, from the root down to v), or none.
  function outline(hops, v) {
    for (const el of svg.querySelectorAll(".this-path")) el.classList.remove("this-path");
    if (!hops) return;
    const els = [box[v]];
    hops.forEach(({ node }, j) => {
      const below = j + 1 < hops.length ? hops[j + 1].node : v; // the Value it was made from
      const [from, op, to] = [box[below], opNode[node], box[node]].map((el) => el && nameOf.get(el));
      els.push(box[node], opNode[node], edgeBetween.get(`${from}->${op}`), edgeBetween.get(`${op}->${to}`));
    });
    for (const el of els) if (el) el.classList.add("this-path");
  }

  function highlight(v) {
    for (const el of svg.querySelectorAll(".on-path, .selected")) el.classList.remove("on-path", "selected");
    pane.classList.toggle("has-selection", v !== null);
    if (v === null) return;
    // Every path from v to the root: the Values downstream of v, their ops, and the edges between them.
    const on = new Uint8Array(values.length);
    on[v] = 1;
    for (let i = v; i < root; i++) if (on[i]) for (const u of uses[i]) on[u.consumer] = 1;
    on.forEach((yes, i) => {
      if (yes && box[i]) box[i].classList.add("on-path");
      if (yes && i !== v && opNode[i]) opNode[i].classList.add("on-path");
    });
    for (const e of edges) {
      const on = (el) => el?.classList.contains("on-path");
      if (on(e.tail) && on(e.head)) e.g.classList.add("on-path");
    }
    if (box[v]) box[v].classList.add("selected");
  }

  const go = (i) => `<button class="go" type="button" data-go="${i}">${esc(values[i].name)}</button>`;

  function select(v, reveal = false) {
    selected = v;
    highlight(v);
    outline(null);
    if (v === null) {
      inspector.innerHTML = HELP;
      return;
    }
    if (reveal && box[v]) {
      for (const s of scopesOf.get(box[v])) s.folded = false;
      refold();
      const p = centre(box[v]);
      const w = pane.clientWidth / view.scale;
      const h = pane.clientHeight / view.scale;
      if (!within({ x: view.x, y: view.y, width: w, height: h }, p) || view.scale < READABLE) {
        look(p, Math.max(view.scale, READABLE));
        moved = true;
      }
    }
    describe(v);
  }

  function describe(v) {
    const backward = v === root ? rootRule() + (forward ? agree() : "") : chainRule(v) + pathList(v);
    inspector.innerHTML = facts(v) + (forward ? tangentRule(v) : "") + backward;
  }

  // The inspector's sections: what the Value is, the chain rule that made its gradient, and the paths.
  const top = esc(values[root].name);
  function facts(v) {
    const val = values[v];
    const made = val.parents.length
      ? `${esc(val.op)} of ${val.parents.map(go).join(", ")}`
      : "none: a leaf (an input, a parameter or a constant)";
    const kind = val.parents.length ? esc(val.op) : "leaf";
    const collapsed = `<p class="hint">Drawn inside the box of a scope folded by <code>collapse=</code>.</p>`;
    return `<section><h2>${esc(val.name)}<span class="op">${kind}</span></h2>
      <table class="facts">
        <tr><td>data</td><td class="data">${esc(val.data)}</td></tr>${forward ? tangentFact(v) : ""}
        <tr><td>grad</td><td class="grad">${esc(val.grad)}</td></tr>${now(v, false)}
        <tr><td>op</td><td class="made">${made}</td></tr>
      </table>
      ${box[v] ? "" : collapsed}</section>`;
  }

  const tangentFact = (v) => `
        <tr><td>tangent</td><td class="tangent">${esc(tangentOf(v))}</td></tr>${now(v, true)}`;

  // While stepping through a pass (of the forward pass: ofForward): the gradient so far, or that the
  // tangent is not computed yet (the row above is the whole pass's).
  function now(v, ofForward) {
    const [fwd, k] = position(Number(stepInput.value));
    const unseen = shown[v][0] === "—";
    if (Number(stepInput.value) === last || fwd !== ofForward || (fwd && !unseen)) return "";
    const so = unseen ? "not computed yet" : `${esc(shown[v][0])} so far`;
    const pass = forward ? (fwd ? "forward " : "backward ") : "";
    return `<tr class="now"><td></td><td class="hint">at ${pass}step ${k}: ${so}</td></tr>`;
  }

  const rootRule = () => `<section><h3>Chain rule</h3>
    <p>This is the root: its gradient is ∂${top}/∂${top} = 1, where the backward pass starts.</p>
    </section>`;

  function chainRule(v) {
    const name = esc(values[v].name);
    const rows = uses[v].map(
      (u) => `<tr class="use">
        <td>${go(u.consumer)} <span class="hint">${esc(values[u.consumer].op)}</span></td>
        <td class="upstream">${esc(u.upstream)}</td><td class="sign">×</td>
        <td class="local">${esc(u.localText)}</td><td class="sign">=</td>
        <td class="contribution">${esc(u.sent)}</td></tr>`,
    );
    const batch = values[v].batch || uses[v].some((u) => u.upstream.includes(" of ")); // long numbers
    return `<section><h3>Chain rule</h3>
      <p class="hint">∂${top}/∂${name} adds up what each use of ${name} sends back: its upstream gradient
      ∂${top}/∂use times the local derivative ∂use/∂${name}.</p>
      <table class="chain${batch ? " batch" : ""}">
        <thead><tr>
          <th>use</th><th>upstream</th><th></th><th>local</th><th></th><th>contribution</th>
        </tr></thead>
        <tbody>${rows.join("")}</tbody>
        <tfoot><tr>
          <td colspan="5">sum: the grad of ${name}</td><td class="sum">${esc(values[v].grad)}</td>
        </tr></tfoot>
      </table></section>`;
  }

  // The forward pass's rule: the tangent of Value v adds up, over its inputs, local derivative × tangent.
  function tangentRule(v) {
    const name = esc(values[v].name);
    const step = forward.steps[madeAt[v] - 1];
    if (!step) {
      const given = forward.seeded.includes(v)
        ? `seeded: its tangent is given, ${esc(tangentOf(v))}`
        : "not seeded: it carries no tangent (0)";
      return `<section><h3>Forward: the tangent</h3><p>${name} is an input of the forward pass,
        ${given}.</p></section>`;
    }
    const rows = step.terms.map(
      ([p, local, t, term]) => `<tr class="term${t === null ? " none" : ""}">
        <td>${go(p)}</td><td class="local">${esc(local)}</td><td class="sign">×</td>
        <td class="tangent">${t === null ? "none" : esc(t)}</td><td class="sign">=</td>
        <td class="term">${term === null ? "—" : esc(term)}</td></tr>`,
    );
    const batch = step.terms.some((row) => row.some((x) => String(x).includes(" of "))); // long numbers
    // A product such as 0 × inf is nan, where an op's own rule gives 0 (a relu that is off passes nothing).
    const rule = step.terms.some(([, , , term]) => term === "nan") && tangentOf(v) !== "nan"
      ? `<p class="hint">A term here is nan (such as 0 × inf) where the op's own rule gives 0: the tangent
        is what the rule computes.</p>`
      : "";
    return `<section><h3>Forward: the tangent</h3>
      <p class="hint">The tangent of ${name} adds up what each input carries forward: the local derivative
      ∂${name}/∂input times the input's tangent. An input that depends on no seeded Value carries
      none.</p>
      <table class="chain forward${batch ? " batch" : ""}">
        <thead><tr>
          <th>input</th><th>local</th><th></th><th>tangent</th><th></th><th>term</th>
        </tr></thead>
        <tbody>${rows.join("")}</tbody>
        <tfoot><tr>
          <td colspan="5">sum: the tangent of ${name}</td><td class="sum">${esc(tangentOf(v))}</td>
        </tr></tfoot>
      </table>${rule}</section>`;
  }

  // The root's derivative along the seeds, both ways: its tangent (the forward pass), and the sum of
  // each seed's gradient times its tangent (the backward pass).
  function agree() {
    const rows = forward.same.terms.map(
      ([x, g, t, product]) => `<tr class="seed">
        <td>${go(x)}</td><td class="grad">${esc(g)}</td><td class="sign">×</td>
        <td class="tangent">${esc(t)}</td><td class="sign">=</td>
        <td class="product">${esc(product)}</td></tr>`,
    );
    return `<section class="agree"><h3>Forward and backward agree</h3>
      <p class="hint">The tangent of ${top} is its derivative along the seeded tangents. The backward
      pass gives it too: add up each seed's gradient ∂${top}/∂x times its tangent.</p>
      <table class="chain">
        <thead><tr>
          <th>seed x</th><th>∂${top}/∂x</th><th></th><th>tangent</th><th></th><th>product</th>
        </tr></thead>
        <tbody>${rows.join("")}</tbody>
        <tfoot>
          <tr><td colspan="5">sum (backward)</td><td class="sum">${esc(forward.same.sum)}</td></tr>
          <tr><td colspan="5">tangent of ${top} (forward)</td>
            <td class="root-tangent">${esc(forward.same.root)}</td></tr>
        </tfoot>
      </table></section>`;
  }

  function pathList(v) {
    const { count, sum, listed } = paths(v);
    const items = listed.map((hops, k) => {
      const route = [...hops.map((h) => h.node), v].map((i) => esc(values[i].name));
      const factors = hops.map((h) => esc(h.use.localText)); // ∂root/∂next, ..., ∂last/∂v
      const product = hops.reduce((p, h) => mul(p, h.use.local), 1);
      // In a batch each sample has its own product: their sum (or each of them, for a batch Value).
      const samples = Array.isArray(product) &&
        `the product, ${values[v].batch ? "per" : "summed over the"} ${product.length} samples`;
      const equals = `${samples || factors.join(" × ")} = <b>${esc(fmt(asGrad(v, product)))}</b>`;
      return `<li class="path" data-path="${k}">
        <span class="route">${route.join(" → ")}</span><span class="product">${equals}</span></li>`;
    });
    inspector.pathHops = listed;
    const many = count > 1e15 ? `about ${fmt(count)}` : count.toLocaleString("en");
    const some = count > listed.length ? `, ${listed.length} listed` : "";
    const added = asGrad(v, sum);
    // A product such as inf × 0 is nan, where an op's rule sends 0 (a relu that is off passes nothing).
    const rule = [added].flat().some(Number.isNaN) && values[v].grad !== "nan"
      ? `<p class="hint">A product here is nan (such as inf × 0) where an op's own rule sends 0, as the
        chain rule above shows: the gradient is the sum of the contributions.</p>`
      : "";
    return `<section><h3>Paths from ${top} to ${esc(values[v].name)}</h3>
      <p class="hint">Along each path, multiply the local derivatives; the products add up to the
      gradient.</p>
      <ol class="paths">${items.join("")}</ol>
      <p class="path-sum">${many} path${count === 1 ? "" : "s"}${some}; the products add up to
      <b>${esc(fmt(added))}</b>.</p>${rule}</section>`;
  }

  const passes = forward
    ? `the forward pass compute each Value's <b>tangent</b>, its derivative along the seeded tangents,
      parents first, and then the backward pass fill in the gradients`
    : "the backward pass fill in the gradients";
  const HELP = `<section><h2>Gradient explorer</h2>
    <p>Click a Value (a box) to see its data, ${forward ? "its tangent, " : ""}its gradient, the chain rule
    that made the gradient and the paths from <b>${top}</b> to it.</p>
    <p>Move the <b>${forward ? "step" : "backward step"}</b> slider, or press <kbd>▶</kbd>, to watch
    ${passes}. Click a dashed group's title to fold it into one box; click the box to unfold it.</p>
    </section>${forward ? agree() : ""}<section><p class="keys">
    <kbd>←</kbd> <kbd>→</kbd> step · <kbd>Home</kbd> <kbd>End</kbd> first and last step ·
    <kbd>P</kbd> play · <kbd>+</kbd> <kbd>−</kbd> zoom · <kbd>0</kbd> fit · <kbd>Shift</kbd>+arrows pan ·
    <kbd>/</kbd> search · <kbd>Tab</kbd> then <kbd>Enter</kbd> select · <kbd>Esc</kbd> clear<br>
    Drag to pan, scroll to zoom.</p></section>`;

  inspector.addEventListener("click", (e) => {
    const link = e.target.closest("[data-go]");
    if (link) select(Number(link.dataset.go), true);
  });
  inspector.addEventListener("mouseover", (e) => {
    const item = e.target.closest("li.path");
    outline(item ? inspector.pathHops[Number(item.dataset.path)] : null, selected);
  });
  inspector.addEventListener("mouseleave", () => outline(null));

  // Clicks in the drawing: a Value selects it, a scope's title folds it, a folded box unfolds.
  function activate(target) {
    const value = target.closest("[data-index]");
    const title = target.closest(".scope-title");
    const folded = target.closest(".fold");
    if (value) select(Number(value.dataset.index));
    else if (title) setFolded(scopes.find((s) => s.title === title), true);
    else if (folded) setFolded(folded.scope, false);
    else return false;
    return true;
  }
  svg.addEventListener("click", (e) => activate(e.target));

  // ------------------------------------------------------------------ search by label
  const searchInfo = $("search-info");
  let matches = [];
  let at = -1;
  search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    for (const el of svg.querySelectorAll(".match")) el.classList.remove("match");
    const exact = (i) => values[i].label.toLowerCase() === q;
    matches = q ? values.map((_, i) => i).filter((i) => values[i].label.toLowerCase().includes(q)) : [];
    matches.sort((a, b) => exact(b) - exact(a) || a - b); // exact matches first, then in order
    for (const i of matches) if (box[i]) box[i].classList.add("match");
    at = -1;
    const found = matches.length ? `${matches.length} found: Enter to go` : "no such label";
    searchInfo.textContent = q ? found : "";
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && matches.length) {
      at = (at + (e.shiftKey ? -1 : 1) + matches.length) % matches.length;
      select(matches[at], true);
      searchInfo.textContent = `${at + 1} of ${matches.length}`;
    } else if (e.key === "Escape") {
      search.value = "";
      search.dispatchEvent(new Event("input"));
      search.blur();
    } else return;
    e.preventDefault();
  });

  // ------------------------------------------------------------------ keyboard
  document.addEventListener("keydown", (e) => {
    if (e.target === search || e.altKey || e.ctrlKey || e.metaKey) return;
    const onSlider = e.target === stepInput; // the slider steps by itself
    const k = Number(stepInput.value);
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (e.key in arrows && e.shiftKey) pan(arrows[e.key][0] * 80, arrows[e.key][1] * 80);
    else if ((e.key === "ArrowRight" || e.key === "ArrowLeft") && !onSlider) {
      play(false);
      showStep(k + (e.key === "ArrowRight" ? 1 : -1));
    } else if ((e.key === "Home" || e.key === "End") && !onSlider) {
      play(false);
      showStep(e.key === "Home" ? 0 : last);
    } else if (e.key === "p" || e.key === "P") play(timer === null);
    else if (e.key === "+" || e.key === "=") zoom(1.25);
    else if (e.key === "-" || e.key === "_") zoom(0.8);
    else if (e.key === "0") fit();
    else if (e.key === "/") search.focus();
    else if (e.key === "Escape") select(null);
    else if ((e.key === "Enter" || e.key === " ") && e.target instanceof SVGElement) {
      if (!activate(e.target)) return;
    } else return;
    e.preventDefault();
  });

  // ------------------------------------------------------------------ start
  // In a notebook the page sits in an <iframe>: make it about as tall as the graph needs.
  function fitFrame() {
    let frame = null;
    try {
      frame = window.frameElement;
    } catch {
      return; // a frame of another origin: it keeps its height
    }
    if (!frame) return;
    const stacked = getComputedStyle(document.querySelector("main")).flexDirection === "column";
    const graph = clamp(bounds.height * firstScale() + 24, 240, 720);
    const bar = document.querySelector("header").offsetHeight;
    frame.style.height = `${Math.round(bar + graph + (stacked ? inspector.offsetHeight : 0) + 2)}px`;
  }

  if (data.fold) for (const s of scopes) if (!s.hasInner) s.folded = true; // the neurons
  refold();
  showStep(forward ? ahead - 1 : last); // with tangents, every tangent computed: the forward pass's end
  select(null);
  fitFrame();
  fit();
  new ResizeObserver(() => (moved ? apply() : fit())).observe(pane);
  performance.mark("explorer-ready"); // the page answers the learner from now on (benchmarks read it)
})();

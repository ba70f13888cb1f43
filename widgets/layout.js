// The canvas layout: one column of blocks in topological order; wires between blocks that are not neighbours
// bend out to the right, each in its own lane so that they never overlap.

export const NODE_W = 280;
export const NODE_H = 54;
export const NODE_H_ERR = 90;
export const GAP = 26;
export const TOP = 24;
export const LANE0 = 26;
export const LANE_W = 18;

// {pos: Map(name -> {i, x, y, w, h}), height}
export function layout(nodes) {
  const pos = new Map();
  let y = TOP;
  nodes.forEach((n, i) => {
    const height = n.error ? NODE_H_ERR : NODE_H;
    pos.set(n.name, { i, x: 0, y, w: NODE_W, h: height });
    y += height + GAP;
  });
  return { pos, height: y + TOP };
}

// greedy interval colouring of the non-adjacent wires: {lanes: Map("src\0dst" -> lane), count}
export function assignLanes(edges, pos) {
  const long = [];
  for (const [src, dst] of edges) {
    const a = pos.get(src);
    const b = pos.get(dst);
    if (!a || !b) continue;
    if (b.i === a.i + 1) continue;
    long.push({ src, dst, lo: Math.min(a.i, b.i), hi: Math.max(a.i, b.i) });
  }
  long.sort((p, q) => p.hi - p.lo - (q.hi - q.lo) || p.lo - q.lo);
  const lanes = [];
  const out = new Map();
  for (const e of long) {
    let lane = 0;
    while ((lanes[lane] || []).some((o) => !(e.hi <= o.lo || e.lo >= o.hi))) lane++;
    lanes[lane] = lanes[lane] || [];
    lanes[lane].push(e);
    out.set(`${e.src}\u0000${e.dst}`, lane);
  }
  return { lanes: out, count: lanes.length };
}

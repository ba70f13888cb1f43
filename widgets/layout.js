// The canvas layout: one column of blocks in topological order; wires between blocks that are not neighbours
// bend out to the right, each in its own lane so that they never overlap. The blocks are as wide as the canvas
// column allows (fit()), from NODE_W down to MIN_NODE_W, so the lanes fit beside them without horizontal scroll.

export const NODE_W = 280;
export const MIN_NODE_W = 190;
export const NODE_H = 54;
export const NODE_H_ERR = 90;
export const GAP = 26;
export const TOP = 24;
export const LANE0 = 26;
export const LANE_W = 18;
export const TIGHT_LANE0 = 16; // lanes when the column is too narrow for the normal spacing
export const TIGHT_LANE_W = 11;
export const EDGE = 8; // room kept right of the last lane, and around the column

// {nodeW, lane0, laneW, width}: block width and lane spacing for a canvas `avail` px wide (without its scrollbar)
// holding `lanes` lanes (at least one is kept, so a first skip wire moves nothing); width: the drawing's width
export function fit(avail, lanes) {
  const n = Math.max(lanes, 1);
  const widthOf = (nodeW, lane0, laneW) => nodeW + lane0 + n * laneW + EDGE;
  let lane0 = LANE0;
  let laneW = LANE_W;
  let nodeW = Math.min(NODE_W, avail - EDGE - widthOf(0, lane0, laneW));
  if (nodeW < MIN_NODE_W) {
    lane0 = TIGHT_LANE0;
    laneW = TIGHT_LANE_W;
    nodeW = Math.min(NODE_W, avail - EDGE - widthOf(0, lane0, laneW));
  }
  if (!(avail > 0)) nodeW = NODE_W; // not laid out yet (hidden): the full width
  nodeW = Math.max(MIN_NODE_W, Math.floor(nodeW));
  return { nodeW, lane0, laneW, width: widthOf(nodeW, lane0, laneW) };
}

// {pos: Map(name -> {i, x, y, w, h}), height, nodeW}
export function layout(nodes, nodeW = NODE_W) {
  const pos = new Map();
  let y = TOP;
  nodes.forEach((n, i) => {
    const height = n.error ? NODE_H_ERR : NODE_H;
    pos.set(n.name, { i, x: 0, y, w: nodeW, h: height });
    y += height + GAP;
  });
  return { pos, height: y + TOP, nodeW };
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

// Tree edit distance (Zhang & Shasha 1989, "Simple fast algorithms for the editing distance between trees and
// related problems"): the least total cost of deleting, inserting (1 each) and renaming (a given cost) nodes that
// turns one ordered tree into another. TEDS (tables.ts) is built on it.
//
// Written here rather than taken from npm: the only implementation there, `edit-distance`, is compiled CoffeeScript
// without types that finds each node's leftmost leaf with a linear search (quadratic set-up) and keeps a backtrace
// matrix we do not need; no JavaScript port of APTED (the algorithm PubTabNet's reference uses) is published. Zhang–
// Shasha computes the same optimal distance as APTED (only more slowly on deep, unbalanced trees; tables are four
// levels deep, where it is O(n·m·depth²)). The tests check it against trees worked out by hand and against TEDS values
// published with PubTabNet.

export interface TreeNode<T> { value: T; children: TreeNode<T>[] }

interface Flat<T> { values: T[]; lld: Int32Array; keyroots: number[] }

/** Post-order numbering with each node's leftmost leaf descendant, and the keyroots (iteratively: no deep recursion). */
function flatten<T>(root: TreeNode<T>): Flat<T> {
  const values: T[] = [];
  const lldList: number[] = [];
  const stack: { node: TreeNode<T>; next: number; lld: number }[] = [{ node: root, next: 0, lld: -1 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.children.length) {
      stack.push({ node: top.node.children[top.next++]!, next: 0, lld: -1 });
      continue;
    }
    stack.pop();
    const index = values.length;
    values.push(top.node.value);
    const lld = top.lld < 0 ? index : top.lld;
    lldList.push(lld);
    const parent = stack[stack.length - 1];
    if (parent && parent.lld < 0) parent.lld = lld; // the first child finished gives its parent's leftmost leaf
  }
  const lld = Int32Array.from(lldList);
  // A keyroot is the highest node with a given leftmost leaf: the root, and every node that has a left sibling.
  const seen = new Set<number>();
  const keyroots: number[] = [];
  for (let i = values.length - 1; i >= 0; i--) {
    if (!seen.has(lld[i]!)) { seen.add(lld[i]!); keyroots.push(i); }
  }
  keyroots.reverse();
  return { values, lld, keyroots };
}

export function treeSize<T>(root: TreeNode<T>): number {
  let n = 0;
  const stack = [root];
  while (stack.length) { const x = stack.pop()!; n++; stack.push(...x.children); }
  return n;
}

/** Zhang–Shasha with unit insert and delete and the given rename cost (called at most once per pair of nodes). */
export function treeEditDistance<T>(a: TreeNode<T>, b: TreeNode<T>, rename: (x: T, y: T) => number): number {
  const A = flatten(a), B = flatten(b);
  const n = A.values.length, m = B.values.length;
  const td = new Float64Array(n * m);
  const renameCost = new Float64Array(n * m).fill(-1);
  const cost = (i: number, j: number): number => {
    let c = renameCost[i * m + j]!;
    if (c < 0) renameCost[i * m + j] = c = rename(A.values[i]!, B.values[j]!);
    return c;
  };
  const fd = new Float64Array((n + 1) * (m + 1));
  const W = m + 1;
  for (const i of A.keyroots) {
    for (const j of B.keyroots) {
      const li = A.lld[i]!, lj = B.lld[j]!;
      const rows = i - li + 2, cols = j - lj + 2;
      fd[0] = 0;
      for (let x = 1; x < rows; x++) fd[x * W] = fd[(x - 1) * W]! + 1;
      for (let y = 1; y < cols; y++) fd[y] = fd[y - 1]! + 1;
      for (let x = 1; x < rows; x++) {
        const ai = li + x - 1;
        const aWhole = A.lld[ai] === li;
        for (let y = 1; y < cols; y++) {
          const bj = lj + y - 1;
          const del = fd[(x - 1) * W + y]! + 1;
          const ins = fd[x * W + y - 1]! + 1;
          if (aWhole && B.lld[bj] === lj) {
            const v = Math.min(del, ins, fd[(x - 1) * W + y - 1]! + cost(ai, bj));
            fd[x * W + y] = v;
            td[ai * m + bj] = v;
          } else {
            const p = A.lld[ai]! - li, q = B.lld[bj]! - lj;
            fd[x * W + y] = Math.min(del, ins, fd[p * W + q]! + td[ai * m + bj]!);
          }
        }
      }
    }
  }
  return td[(n - 1) * m + (m - 1)]!;
}

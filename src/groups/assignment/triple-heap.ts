/** Binary min-heap of nodes keyed by lexicographic triples, lazy deletion. */
export class TripleHeap {
  private node: Int32Array;
  private k0: Float64Array;
  private k1: Float64Array;
  private k2: Float64Array;
  size = 0;

  constructor(capacity: number) {
    const size = Math.max(16, capacity);
    this.node = new Int32Array(size);
    this.k0 = new Float64Array(size);
    this.k1 = new Float64Array(size);
    this.k2 = new Float64Array(size);
  }

  clear(): void {
    this.size = 0;
  }

  private less(i: number, j: number): boolean {
    const { k0, k1, k2 } = this;
    return k0[i] < k0[j] || (k0[i] === k0[j] && (k1[i] < k1[j] || (k1[i] === k1[j] && k2[i] < k2[j])));
  }

  private move(from: number, to: number): void {
    this.node[to] = this.node[from];
    this.k0[to] = this.k0[from];
    this.k1[to] = this.k1[from];
    this.k2[to] = this.k2[from];
  }

  private swap(i: number, j: number): void {
    const last = this.node.length - 1; // spare slot
    this.move(i, last);
    this.move(j, i);
    this.move(last, j);
  }

  push(v: number, a: number, b: number, c: number): void {
    if (this.size + 1 >= this.node.length) {
      const size = this.node.length * 2;
      const nodes = new Int32Array(size);
      nodes.set(this.node);
      this.node = nodes;
      const grow = (x: Float64Array) => {
        const y = new Float64Array(size);
        y.set(x);
        return y;
      };
      this.k0 = grow(this.k0);
      this.k1 = grow(this.k1);
      this.k2 = grow(this.k2);
    }
    let i = this.size++;
    this.node[i] = v;
    this.k0[i] = a;
    this.k1[i] = b;
    this.k2[i] = c;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number {
    const top = this.node[0];
    this.size--;
    if (this.size > 0) {
      this.move(this.size, 0);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.size && this.less(l, m)) m = l;
        if (r < this.size && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

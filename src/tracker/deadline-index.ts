type Item = [deadline: number, jobId: string];

/**
 * The follow deadlines of the jobs, in a min-heap, so that arming the timer after each follow
 * does not walk every job. Entries replaced or removed stay in the heap until they surface (or
 * until stale ones outnumber the live ones, when the heap is rebuilt).
 */
export class DeadlineIndex {
  private readonly current = new Map<string, number>();
  private heap: Item[] = [];

  set(jobId: string, deadline: number | undefined): void {
    if (deadline === undefined) {
      this.current.delete(jobId);
      return;
    }
    this.current.set(jobId, deadline);
    this.push([deadline, jobId]);
    if (this.heap.length > 2 * this.current.size + 32) this.rebuild();
  }

  delete(jobId: string): void {
    this.current.delete(jobId);
  }

  earliest(): number | undefined {
    for (let top = this.heap[0]; top !== undefined; top = this.heap[0]) {
      if (this.isCurrent(top)) return top[0];
      this.pop();
    }
    return undefined;
  }

  /** The jobs whose deadline is at or before `time`, earliest first; the index is left as it is. */
  due(time: number): string[] {
    const found: Item[] = [];
    const stack = [0];
    for (let index = stack.pop(); index !== undefined; index = stack.pop()) {
      const item = this.heap[index];
      if (!item || item[0] > time) continue;
      if (this.isCurrent(item)) found.push(item);
      stack.push(2 * index + 1, 2 * index + 2);
    }
    return [...new Set(found.sort((a, b) => a[0] - b[0]).map((item) => item[1]))];
  }

  private isCurrent(item: Item): boolean {
    return this.current.get(item[1]) === item[0];
  }

  private rebuild(): void {
    const items = [...this.current].map(([jobId, deadline]): Item => [deadline, jobId]);
    this.heap = [];
    for (const item of items) this.push(item);
  }

  private push(item: Item): void {
    const heap = this.heap;
    let index = heap.push(item) - 1;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (!parent || parent[0] <= item[0]) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = item;
  }

  /** Removes the top item. */
  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    let index = 0;
    for (;;) {
      const leftIndex = 2 * index + 1;
      const left = heap[leftIndex];
      if (!left) break;
      const right = heap[leftIndex + 1];
      const [childIndex, child] = right && right[0] < left[0] ? [leftIndex + 1, right] : [leftIndex, left];
      if (child[0] >= last[0]) break;
      heap[index] = child;
      index = childIndex;
    }
    heap[index] = last;
  }
}

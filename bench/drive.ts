/** Runs `n` calls (cases, requests) with at most `concurrency` in flight; returns elapsed seconds. */
export async function drive(n: number, concurrency: number, runOne: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await runOne(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

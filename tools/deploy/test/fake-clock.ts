/** A clock that only moves when the code under test sleeps: backoff and polling without waiting. */
export function fakeClock(start = Date.parse("2026-02-01T12:00:00Z")) {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

// V8's heap sized for a small server, set by the process itself before any
// module loads (imported first by index.ts; README, Performance → Memory).
// The growth flags are read by V8 at run time, each time it resizes a space,
// so setting them here works; the heap-size flags (--max-semi-space-size,
// --max-old-space-size) are read once at heap setup and would need the
// command line.
//  - New space may grow from its initial 1 MB semi-spaces, doubling at a
//    scavenge as V8 likes, until a GC finds it at NEW_SPACE_FREEZE_BYTES or
//    more: then the growth factor becomes 1 ("never grow"). It ends at 8 or
//    16 MB instead of 32 (the observer runs after the GC, and under load V8
//    may have doubled once more by then): 16 to 24 MB less new space. Growth
//    is off while the modules load (synchronously, so no observer runs; it
//    went straight to 32 MB) and on from the first turn of the event loop.
//    Kept at 1 MB for good (last round) it saved 30 MB but cost a quarter of
//    verifyToken's CPU and a third of a users page's.
//  - V8 shrinks new space back to 1 MB when the process has been idle a few
//    seconds. So growth is turned on again whenever a GC finds new space
//    under the bound: frozen for good, a server that idled once served every
//    later burst from 1 MB (a users page on PostgreSQL at 986 µs of CPU
//    instead of 550, README, Performance).
//  - Old space may grow 20 % past what survived the last full GC (V8 still
//    allows at least 8 MB) before the next one, instead of up to 4× when GC
//    is fast: what a burst of requests leaves behind is collected sooner
//    instead of being held as RSS.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** New space's size (V8's heap-space statistics) from which it stops growing. */
const NEW_SPACE_FREEZE_BYTES = 8 * 2 ** 20;

setFlagsFromString('--heap-growing-percent=20');
setFlagsFromString('--semi-space-growth-factor=1');
setImmediate(() => setFlagsFromString('--semi-space-growth-factor=2')).unref();

let frozen = false;
const newSpaceWatch = new PerformanceObserver(() => {
  const size = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  const freeze = size >= NEW_SPACE_FREEZE_BYTES;
  if (freeze === frozen) return;
  frozen = freeze;
  setFlagsFromString(`--semi-space-growth-factor=${freeze ? 1 : 2}`);
});
newSpaceWatch.observe({ entryTypes: ['gc'] });

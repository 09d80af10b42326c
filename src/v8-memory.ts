// V8's heap sized for a small server, set by the process itself before any
// module loads (imported first by index.ts; README, Performance → Memory).
// Both flags are read by V8 at run time, each time it resizes a space, so
// setting them here works; the heap-size flags (--max-semi-space-size,
// --max-old-space-size) are read once at heap setup and would need the
// command line.
//  - New space stays at its initial 1 MB semi-spaces instead of doubling up
//    to 16 MB each: ~30 MB of RSS saved, for more frequent (cheap) scavenges.
//  - Old space may grow 20 % past what survived the last full GC (V8 still
//    allows at least 8 MB) before the next one, instead of up to 4× when GC
//    is fast: what a burst of requests leaves behind is collected sooner
//    instead of being held as RSS.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=20');

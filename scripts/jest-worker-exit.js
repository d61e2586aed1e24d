// Loaded into each jest worker (jest.config.js adds it to the workers' execArgv).
//
// When jest is done with a worker it sends it jest-worker's END message and waits 500 ms for it to exit, then kills
// it and prints "A worker process has failed to exit gracefully ... tests leaking due to improper teardown". A worker
// that has run the suites' files holds a heap of about 600 MB (most of it garbage V8 has no reason to collect yet),
// and a process that exits by emptying its event loop frees all of it first: about half a second, so jest killed
// both workers after every full run and blamed a leak that was not there.
//
// Here a worker that jest has ended exits at once, but only when nothing of the tests is left open: its only
// resources are its pipes to jest (IPC, stdout, stderr). A test that leaks a server, a socket, a timer or a child
// process still keeps its worker alive, and jest still says so.

/** jest-worker's CHILD_MESSAGE_END (jest-worker/build/types: the parent's "finish and exit" message). */
const CHILD_MESSAGE_END = 2;

/** The resources a worker holds of its own: its pipes to the jest process. */
const OWN = new Set(['PipeWrap', 'TTYWrap']);

if (process.send) {
  const onMessage = (message) => {
    if (!Array.isArray(message) || message[0] !== CHILD_MESSAGE_END) return;
    process.removeListener('message', onMessage);
    // After jest-worker's own handler has run (it removes its listener, which unrefs the IPC channel)
    setImmediate(() => {
      if (process.getActiveResourcesInfo().every((resource) => OWN.has(resource))) process.exit(0);
    });
  };
  process.on('message', onMessage);
}

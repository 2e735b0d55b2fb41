// The floor for whole-process timings: a Bun-compiled program that prints one line and exits.
console.log('{}')

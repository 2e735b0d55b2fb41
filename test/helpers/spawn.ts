/** Run a program to completion and collect its output, without blocking the event loop. */

/** What a finished program printed and returned. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Asynchronous on purpose: tests serve the emulator from their own event loop, so a blocking
 * spawn (spawnSync) would deadlock the moment the program calls it.
 */
export async function run(
  cmd: readonly string[],
  options: { readonly env: Record<string, string>; readonly cwd?: string },
): Promise<Run> {
  const child = Bun.spawn([...cmd], {
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { code, stdout, stderr }
}

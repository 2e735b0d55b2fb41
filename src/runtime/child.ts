/**
 * Run a child process with inherited stdio, forward the signals we receive to it (as aws-vault
 * does), and resolve with its exit code: 128 + n when it died of signal n, as shells report it.
 */
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import process from 'node:process'

const FORWARDED: readonly NodeJS.Signals[] = process.platform === 'win32'
  ? ['SIGINT', 'SIGTERM']
  : ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH']

// What a terminal's keys send (Ctrl-C, Ctrl-\) to its whole foreground process group.
const KEYBOARD: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT']

/**
 * Whether this process is in its terminal's foreground process group, so that the child (which
 * shares our group) got the same keyboard signal from the terminal. Forwarding it too would
 * deliver Ctrl-C twice, and to terraform two interrupts mean "exit immediately". Linux: the
 * `pgrp` and `tpgid` fields of /proc/self/stat (proc(5)); elsewhere, a terminal on stdin.
 * Read at each signal: job control can move the group to the background and back.
 */
export function inTerminalForeground(stat: () => string = () => readFileSync('/proc/self/stat', 'utf8')): boolean {
  let text: string
  try {
    text = stat()
  } catch {
    return process.stdin.isTTY === true
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // fields: state, ppid, pgrp, session, tty_nr, tpgid, ...
  const pgrp = Number(fields[2])
  const tpgid = Number(fields[5])
  return tpgid > 0 && tpgid === pgrp
}

/** Why a child could not be started, with the shell's exit code for it. */
export class SpawnError extends Error {
  override name = 'SpawnError'
  readonly exitCode: 126 | 127
  constructor(message: string, exitCode: 126 | 127) {
    super(message)
    this.exitCode = exitCode
  }
}

/** Run `command args` to completion and return its exit code; rejects with {@link SpawnError}. */
export async function runChild(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  // Loaded on use, so a compiled binary does not load it at every start.
  const { spawn } = await import('node:child_process')
  return new Promise((resolve, reject) => {
    // Listen before spawning: the child may already be talking to whoever signals us by the
    // time spawn() returns, and an unhandled SIGTERM would kill us instead of being forwarded.
    let child: ChildProcess | undefined
    const early: NodeJS.Signals[] = []
    const forward = (signal: NodeJS.Signals): void => {
      // The terminal signalled the child itself; we only must not die of it.
      if (KEYBOARD.includes(signal) && inTerminalForeground()) return
      if (!child) early.push(signal)
      else if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    }
    const listeners = FORWARDED.map((signal) => {
      const listener = (): void => forward(signal)
      process.on(signal, listener)
      return [signal, listener] as const
    })
    child = spawn(command, [...args], { stdio: 'inherit', env: env as NodeJS.ProcessEnv })
    for (const signal of early) forward(signal)
    const cleanup = (): void => {
      for (const [signal, listener] of listeners) process.off(signal, listener)
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup()
      if (error.code === 'ENOENT') reject(new SpawnError(`command not found: ${command}`, 127))
      else if (error.code === 'EACCES') {
        reject(new SpawnError(`command is not executable: ${command}`, 126))
      } else reject(error)
    })
    child.on('exit', (code, signal) => {
      cleanup()
      if (signal) resolve(128 + (constants.signals[signal] ?? 0))
      else resolve(code ?? 1)
    })
  })
}

/** Whether exec's keyboard signals already reached the child: the foreground check. */
import { describe, expect, test } from 'bun:test'
import { inTerminalForeground } from '../../src/runtime/child.ts'

// proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags ...
const stat = (comm: string, pgrp: number, tpgid: number): string =>
  `6055 (${comm}) S 6054 ${pgrp} ${pgrp} 34816 ${tpgid} 4194304 229 0 0 0`

describe('inTerminalForeground', () => {
  test('our group is the terminal foreground group', () => {
    expect(inTerminalForeground(() => stat('stsrefresh', 6055, 6055))).toBe(true)
  })

  test('a background group, or no controlling terminal (tpgid -1)', () => {
    expect(inTerminalForeground(() => stat('stsrefresh', 6055, 7000))).toBe(false)
    expect(inTerminalForeground(() => stat('stsrefresh', 6050, -1))).toBe(false)
  })

  test('a command name with spaces and parentheses does not shift the fields', () => {
    expect(inTerminalForeground(() => stat('a) b (c', 6055, 6055))).toBe(true)
    expect(inTerminalForeground(() => stat('x) 1 2 3 4 5', 6055, 9))).toBe(false)
  })

  test('without /proc, a terminal on stdin decides', () => {
    const unreadable = (): string => {
      throw new Error('ENOENT')
    }
    expect(inTerminalForeground(unreadable)).toBe(process.stdin.isTTY === true)
  })
})

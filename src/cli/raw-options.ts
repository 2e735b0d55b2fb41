/**
 * Give option values back their text. cac parses argv with mri, which turns every value that
 * looks like a number into one (`--external-id 0012` becomes 12, `--table 007` becomes 7), so
 * leading zeros and long digit strings would be lost before any command sees them.
 */

/** The key cac files an option under: its camelCase name, as cac spells it (`--max-items` -> maxItems). */
export const cacKey = (name: string): string =>
  name.split('.')[0]!.replace(/([a-z])-([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase())

/** The text each `--long-option` was given in `args` (before `--`), by cac's camelCase key. */
export function rawOptionText(args: readonly string[]): Map<string, string[]> {
  const end = args.indexOf('--')
  const tokens = end === -1 ? args : args.slice(0, end)
  const found = new Map<string, string[]>()
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (!token.startsWith('--') || token.length < 3) continue
    const eq = token.indexOf('=')
    const name = eq === -1 ? token.slice(2) : token.slice(2, eq)
    let value: string | undefined
    if (eq !== -1) value = token.slice(eq + 1)
    else if (i + 1 < tokens.length) value = tokens[i + 1]
    if (value === undefined) continue
    const key = cacKey(name)
    found.set(key, [...(found.get(key) ?? []), value])
  }
  return found
}

/**
 * Replace numbers that cac made out of option values with the text given on the command line
 * (arrays of repeated options element by element). Booleans and defaults are left alone.
 */
export function restoreOptionText(options: Record<string, unknown>, args: readonly string[]): void {
  const raw = rawOptionText(args)
  for (const [key, value] of Object.entries(options)) {
    if (key === '--') continue
    const texts = raw.get(key)
    if (!texts) continue
    if (typeof value === 'number') {
      const text = texts.findLast((t) => Number(t) === value)
      if (text !== undefined) options[key] = text
    } else if (Array.isArray(value)) {
      let from = 0
      options[key] = value.map((item) => {
        if (typeof item !== 'number') return item
        const index = texts.findIndex((t, i) => i >= from && Number(t) === item)
        if (index === -1) return item
        from = index + 1
        return texts[index]
      })
    }
  }
}

/**
 * How the option cac calls `key` was typed: cac reports unknown options by their camelCase key
 * (`--bogusFlag`), which is not what the user wrote (`--bogus-flag`, `--no-bogus-flag`).
 */
export function typedOptionName(key: string, args: readonly string[]): string | undefined {
  const end = args.indexOf('--')
  for (const token of end === -1 ? args : args.slice(0, end)) {
    if (token.startsWith('--')) {
      const bare = token.slice(2)
      const name = bare.split('=', 1)[0]!
      // mri reads --no-x as x = false, and --no-x=1 as a key `x=1`.
      const negated = name.startsWith('no-') && [name, bare].some((n) => cacKey(n.slice(3)) === key)
      if (cacKey(name) === key || negated) return `--${name}`
    } else if (key.length === 1 && token.startsWith('-') && token.slice(1).includes(key)) {
      return `-${key}`
    }
  }
  return undefined
}

/**
 * `args` with `--` inserted before the first argument after `args[commandAt]` that is not an
 * option or an option's value: for commands that run another command (`exec`), whose arguments
 * are its own, as with `env`, `sudo` and `aws-vault exec`. `takesValue(name)` says whether
 * `--name` consumes the next argument. An explicit `--` before it leaves `args` as they are.
 */
export function separateCommand(
  args: readonly string[],
  commandAt: number,
  takesValue: (name: string) => boolean,
): readonly string[] {
  for (let i = commandAt + 1; i < args.length; i++) {
    const token = args[i]!
    if (token === '--') return args
    if (token.startsWith('--')) {
      if (!token.includes('=') && takesValue(token.slice(2))) i++
    } else if (!token.startsWith('-') || token === '-') {
      return [...args.slice(0, i), '--', ...args.slice(i)]
    }
  }
  return args
}

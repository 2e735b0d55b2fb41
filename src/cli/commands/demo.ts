import type { CAC } from 'cac'
/** placeholder */
export function registerDemo(cli: CAC): void {
  cli.command('demo', 'demo')
}
